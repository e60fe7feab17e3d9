// `precheck --facts FILE`: recorded fact sets, `{ "nodes": { "<inventory host>": <fact set> } }`.
import { readFileSync } from 'node:fs';
import { parseFactSet } from '../../shared/facts/schema';
import { fastFactSet } from '../../shared/facts/schema-fast';
import type { FactSet } from '../../shared/facts/types';
import { UserError } from '../../shared/errors';

export function readFactsFile(file: string): Map<string, FactSet> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(err)})`}`, 2);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid JSON: ${(err as Error).message}`, 2);
  }
  const nodes = (raw as { nodes?: unknown } | null)?.nodes;
  if (!nodes || typeof nodes !== 'object' || Array.isArray(nodes)) {
    throw new UserError(`${file}: expected an object { "nodes": { "<host>": <fact set>, … } }`, 2);
  }
  const out = new Map<string, FactSet>();
  const problems: string[] = [];
  for (const [host, value] of Object.entries(nodes as Record<string, unknown>)) {
    try {
      // The quick check first: the message naming the node is only needed when it fails.
      out.set(host, fastFactSet(value) ?? parseFactSet(value, `${file}: nodes.${host}`));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length) throw new UserError(problems.join('\n'), 2);
  return out;
}
