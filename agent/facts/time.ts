// time: the node's clock (the coordinator derives clock skew from it) and whether NTP has it
// synchronised, as systemd-timedated reports it: its NTPSynchronized property, read over the
// system bus (what `timedatectl show -p NTPSynchronized` prints, without starting timedatectl on
// every refresh), or from timedatectl itself when the bus cannot be used. Without
// systemd there is no portable way to ask the kernel (adjtimex is a syscall, not a file), so the
// flag is then null with the reason in probeErrors["time.ntpSynchronized"].
import type { TimeFacts } from '../../shared/facts/types';
import { BusUnavailable, getProperties } from './dbus-client';
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
    try {
      return await ntpSynchronizedOverBus(ctx);
    } catch (err) {
      if (!(err instanceof BusUnavailable)) throw err;
    }
    return parseNtpSynchronized(await ctx.run('timedatectl', ['show', '-p', 'NTPSynchronized']));
  } catch (err) {
    errors['time.ntpSynchronized'] = reasonOf(err);
    return null;
  }
}

/** timedated's NTPSynchronized (the bus starts timedated when it is not running, as for timedatectl). */
export async function ntpSynchronizedOverBus(ctx: ProbeContext): Promise<boolean> {
  const [r] = await getProperties(ctx, [
    {
      destination: 'org.freedesktop.timedate1',
      path: '/org/freedesktop/timedate1',
      interface: 'org.freedesktop.timedate1',
      property: 'NTPSynchronized',
    },
  ]);
  if (r && 'value' in r && typeof r.value === 'boolean') return r.value;
  throw new ProbeFailure(`timedated gave no NTPSynchronized${r && 'error' in r ? `: ${r.error}` : ''}`);
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
