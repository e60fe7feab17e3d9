// time: the node's clock (the coordinator derives clock skew from it) and whether NTP has it
// synchronised, as systemd-timedated reports it (`timedatectl show -p NTPSynchronized`). Without
// systemd there is no portable way to ask the kernel (adjtimex is a syscall, not a file), so the
// flag is then null with the reason in probeErrors["time.ntpSynchronized"].
import type { TimeFacts } from '../../shared/facts/types';
import { hostPathExists, ProbeFailure, reasonOf, type ProbeContext, type ProbeErrors } from './probe';

/** `timedatectl show -p NTPSynchronized` → true/false. */
export function parseNtpSynchronized(text: string): boolean {
  const m = /^NTPSynchronized=(yes|no)$/m.exec(text);
  if (!m) throw new ProbeFailure(`timedatectl printed ${JSON.stringify(text.trim().slice(0, 80))}, not NTPSynchronized=yes|no`);
  return m[1] === 'yes';
}

export async function readTime(ctx: ProbeContext, errors: ProbeErrors, now: () => number = Date.now): Promise<TimeFacts> {
  let ntpSynchronized: boolean | null = null;
  try {
    if (!(await hostPathExists(ctx, '/run/systemd/system'))) {
      throw new ProbeFailure('unknown: systemd is not running, so timedatectl cannot say whether NTP is synchronised');
    }
    ntpSynchronized = parseNtpSynchronized(await ctx.run('timedatectl', ['show', '-p', 'NTPSynchronized']));
  } catch (err) {
    errors['time.ntpSynchronized'] = reasonOf(err);
  }
  // Read last, so the figure is as close as possible to the moment the report leaves the node.
  return { epochMs: now(), ntpSynchronized };
}
