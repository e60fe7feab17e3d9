import { fact, nullReason, UnknownFactError } from '../../facts-access';
import { fail, hostRule, pass } from '../../rule';

export const nodeTimeSync = hostRule({
  id: 'node.time_sync',
  severity: 'warning',
  description: 'the clock is NTP-synchronised',
  appliesTo: () => true,
  check: (host, ctx) => {
    const time = fact(ctx, host.name, 'time');
    if (time.ntpSynchronized === null) {
      throw new UnknownFactError(`NTP state is unknown on ${host.name}: ${nullReason(ctx.facts.get(host.name)!, 'time.ntpSynchronized')}`);
    }
    if (time.ntpSynchronized) return pass('clock is NTP-synchronised');
    return fail('clock is not NTP-synchronised: enable chrony or systemd-timesyncd (kk installs chrony when native.ntp.enabled)');
  },
});
