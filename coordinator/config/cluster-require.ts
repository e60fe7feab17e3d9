// `cluster_require`: the thresholds and compatibility tables precheck rules compare against
// (precheck.md "Default tables"). One source of truth — the precheck's own defaults — handed to
// the loader as a fresh tree it may layer user values over. Users override any entry in their
// Config; maps merge key by key, lists replace. Where a figure differs from KubeKey's,
// docs/defaults-vs-kubekey.md says why.
import type { Vars } from '../model/cluster';
import { CLUSTER_REQUIRE_DEFAULTS } from './precheck-defaults';

export function clusterRequireDefaults(): Vars {
  return structuredClone(CLUSTER_REQUIRE_DEFAULTS) as Vars;
}
