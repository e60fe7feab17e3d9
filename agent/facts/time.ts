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

/** NTPSynchronized, or null with the reason under probeErrors["time.ntpSynchronized"]; never rejects. */
export async function readNtpSynchronized(ctx: ProbeContext, errors: ProbeErrors): Promise<boolean | null> {
  try {
    if (!(await hostPathExists(ctx, '/run/systemd/system'))) {
      throw new ProbeFailure('unknown: systemd is not running, so timedatectl cannot say whether NTP is synchronised');
    }
    return parseNtpSynchronized(await ctx.run('timedatectl', ['show', '-p', 'NTPSynchronized']));
  } catch (err) {
    errors['time.ntpSynchronized'] = reasonOf(err);
    return null;
  }
}

/**
 * The clock and the NTP flag. collectFacts starts the NTP query (`ntp`) with the other probes —
 * timedatectl may first have to start systemd-timedated over D-Bus, the slowest probe of a
 * refresh — and only the clock itself is read here, last.
 */
export async function readTime(ctx: ProbeContext, errors: ProbeErrors, now: () => number = Date.now, ntp?: Promise<boolean | null>): Promise<TimeFacts> {
  const ntpSynchronized = await (ntp ?? readNtpSynchronized(ctx, errors));
  // Read last, so the figure is as close as possible to the moment the report leaves the node.
  return { epochMs: now(), ntpSynchronized };
}
