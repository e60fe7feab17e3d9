import { listNames, listReasons } from '../../hosts';
import { clusterRule, fail, pass, skip } from '../../rule';
import { num } from '../../vars';

export const clusterClockSkew = clusterRule({
  id: 'cluster.clock_skew',
  severity: 'error',
  description: "every node's clock is within cluster_require.max_clock_skew_ms of the coordinator's",
  appliesTo: () => true,
  check: ({ model, facts }) => {
    const max = num(model.vars, 'cluster_require.max_clock_skew_ms');
    const skewed: string[] = [];
    const unknown: string[] = [];
    let known = 0;
    for (const h of model.hosts) {
      const offset = facts.get(h.name)?.clockOffsetMs;
      if (offset === undefined || offset === null || !Number.isFinite(offset)) {
        unknown.push(h.name);
        continue;
      }
      known++;
      if (Math.abs(offset) > max) skewed.push(`${h.name} ${offset > 0 ? '+' : ''}${Math.round(offset)} ms`);
    }
    if (known === 0) return skip('no clock offset known (facts recorded without the coordinator): nothing to compare');
    const note = unknown.length > 0 ? `; no offset known for ${listNames(unknown)}` : '';
    if (skewed.length > 0) {
      return fail(`clocks differ from the coordinator by more than ${max} ms: ${listReasons(skewed)}: synchronise them with NTP${note}`);
    }
    return pass(`${known} node clocks within ${max} ms of the coordinator${note}`);
  },
});
