// How a cluster rule that read many hosts' facts turns problems and unknowns into one outcome:
// problems fail the rule; unknown facts alone fail it too (as unknown), never pass silently.
import { UnknownFactError } from './facts-access';
import { listReasons } from './hosts';
import type { Outcome, Severity } from './rule';
import { fail, pass } from './rule';

export function verdict(problems: readonly string[], unknown: readonly string[], passMessage: string, severity?: Severity): Outcome {
  if (problems.length > 0) {
    const also = unknown.length > 0 ? `; also unknown: ${listReasons(unknown, 3)}` : '';
    return fail(`${listReasons(problems)}${also}`, severity);
  }
  if (unknown.length > 0) throw new UnknownFactError(listReasons(unknown));
  return pass(passMessage);
}
