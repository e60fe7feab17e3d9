// hostname: the kernel's node name, what `hostname` and `uname -n` print.
import { readHostFile, type ProbeContext } from './probe';
import { parseIdentityFile } from './identity-file';

/** The kernel's hostname (uname -n), as `hostname` prints it. */
export async function readHostname(ctx: ProbeContext): Promise<string> {
  return parseIdentityFile(await readHostFile(ctx, '/proc/sys/kernel/hostname'), '/proc/sys/kernel/hostname');
}
