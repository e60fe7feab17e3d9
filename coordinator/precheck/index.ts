// The precheck engine's public surface: the CLI, `create cluster` and `--watch` use these.
export { evaluate, exitCodeOf, summarize } from './engine';
export type { EvaluateOptions } from './engine';
export { rules } from './rules/index';
export { renderTable, renderJson, summaryLine } from './render';
export type { TableOptions } from './render';
export { diffReports, formatChange } from './diff';
export type { StatusChange } from './diff';
export { resolveSelectors, splitSelectors } from './selectors';
export type { Report, Result, Summary } from './report';
export type {
  Rule,
  HostRule,
  ClusterRule,
  RuleContext,
  Outcome,
  Status,
  Severity,
  Mode,
  ReachabilityProbe,
  ArtifactInfo,
  RegistryProbe,
  RegistryStep,
} from './rule';
export {
  CLUSTER_REQUIRE_DEFAULTS,
  PRECHECK_DEFAULTS,
  ETCD_MIN_VERSIONS,
  CALICO_ALLOWED_VERSIONS,
  CILIUM_ALLOWED_VERSIONS,
  KUBEOVN_ALLOWED_VERSIONS,
} from './defaults';
