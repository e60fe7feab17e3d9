import { missingReason } from '../../facts-access';
import { fail, hostRule, pass } from '../../rule';

export const inventoryAgent = hostRule({
  id: 'inventory.agent',
  severity: 'error',
  description: 'live: a connected agent matches the host and reported facts in this run; --facts: the file has the host',
  appliesTo: () => true,
  check: (host, ctx) => {
    if (ctx.facts.get(host.name)) {
      return pass(ctx.mode === 'live' ? 'agent connected and reported facts' : 'host present in the fact file');
    }
    const why = missingReason(ctx, host.name);
    return ctx.mode === 'live'
      ? fail(`no facts from an agent for ${host.name}: ${why}; install and enroll kk-agent on the node (matched by agent name or internal_ipv4/internal_ipv6)`)
      : fail(`no facts for ${host.name}: ${why}; record them with \`kk-agent facts -o json\` on the node`);
  },
});
