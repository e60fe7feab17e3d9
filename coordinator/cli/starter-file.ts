// Writing a starter file for `create config` and `create inventory`.
import { existsSync, writeFileSync } from 'node:fs';
import { UserError } from '../../shared/errors';

/** Writes a starter file, never over an existing one unless asked: an operator's edits are not ours to lose. */
export function writeStarter(content: string, output: string, force: boolean): void {
  if (output === '-') {
    process.stdout.write(content);
    return;
  }
  if (existsSync(output) && !force) throw new UserError(`${output} already exists: pass --force to overwrite it, or -o another file`, 2);
  writeFileSync(output, content, { mode: 0o644 });
  process.stderr.write(`wrote ${output}\n`);
}
