// refresh_facts: collects this node's fact set now (optionally with fio) and returns it as JSON
// in the result, for a caller that wants facts as part of a run rather than over gRPC.
import type { RefreshFactsCommand } from '../../shared/commands/codec';
import { MAX_RESULT_DATA_BYTES } from '../../shared/commands/codec';
import type { FactSet } from '../../shared/facts/types';
import { collectFacts } from '../facts/index';
import { failed, type ExecutorOutcome } from './types';

export async function runRefreshFacts(
  spec: RefreshFactsCommand,
  collect: (o: { fioDirectory?: string }) => Promise<FactSet> = collectFacts,
): Promise<ExecutorOutcome> {
  const fioDirectory = spec.fioDirectory || undefined;
  if (fioDirectory && !fioDirectory.startsWith('/')) return failed(`refresh_facts: fioDirectory must be absolute, got ${JSON.stringify(fioDirectory)}`);
  const facts = await collect({ fioDirectory });
  const json = JSON.stringify(facts);
  if (Buffer.byteLength(json) > MAX_RESULT_DATA_BYTES)
    return failed(`refresh_facts: the fact set is ${Buffer.byteLength(json)} bytes, more than one result can carry`);
  return { status: 'ok', exitCode: null, changed: false, data: { facts: json } };
}
