// The shape of one precheck rule, modelled on kubeadm's preflight Checker: a small pure unit that
// reads the loaded model and the fact sets it is handed and never touches the network or the disk.
import type { FactSet } from '../../shared/facts/types';
import type { ClusterModel, InventoryHost } from '../model/cluster';

export type RuleScope = 'host' | 'cluster';
export type Severity = 'error' | 'warning';
export type Status = 'pass' | 'fail' | 'warn' | 'skip';
export type Mode = 'live' | 'facts';

/** One reachability probe the caller ran: `source` connected to `target`:`port`. */
export interface ReachabilityProbe {
  source: string;
  target: string;
  port: number;
  ok: boolean;
  error?: string | null;
}

/** What the caller found about `download.artifact_file` on the coordinator. */
export interface ArtifactInfo {
  exists: boolean;
  md5?: string;
  sha256?: string;
  /** Why the file could not be inspected (permission denied …). */
  error?: string;
}

/** The step at which the registry probe stopped, in the order they run. */
export type RegistryStep = 'DNS' | 'TCP' | 'TLS' | 'HTTP';

/** Result of the `image_registry.reachable` probe, run by the caller from the coordinator. */
export interface RegistryProbe {
  ok: boolean;
  /** The URL that was probed, e.g. https://registry.local/v2/. */
  url?: string;
  /** The failing step when `ok` is false. */
  step?: RegistryStep;
  error?: string;
}

export interface RuleContext {
  model: ClusterModel;
  /** Inventory host name → its fact set; null or absent when none was reported. */
  facts: ReadonlyMap<string, FactSet | null>;
  /** Inventory host name → why it has no fact set (no agent matched, refresh timed out …). */
  factErrors?: ReadonlyMap<string, string>;
  mode: Mode;
  /** cluster.reachability input (live mode). */
  probes?: readonly ReachabilityProbe[];
  /** artifact.file input, computed by the caller. */
  artifact?: ArtifactInfo;
  /** image_registry.reachable input (live mode), computed by the caller. */
  registry?: RegistryProbe;
}

/**
 * What a check found. `fail` means the condition does not hold; the engine turns it into `warn`
 * when the rule (or this outcome) is of warning severity, or when the user ignores the error.
 */
export type Outcome = { status: 'pass'; message: string } | { status: 'fail'; message: string; severity?: Severity } | { status: 'skip'; message: string };

/** `true` when the rule applies, otherwise the reason it does not (reported as `skip`). */
export type Applies = true | string;

interface RuleBase {
  id: string;
  /** The id's part before the dot. */
  tag: string;
  severity: Severity;
  /** One line, for docs and --help. */
  description: string;
}

export interface HostRule extends RuleBase {
  scope: 'host';
  appliesTo(host: InventoryHost, ctx: RuleContext): Applies;
  check(host: InventoryHost, ctx: RuleContext): Outcome;
}

export interface ClusterRule extends RuleBase {
  scope: 'cluster';
  appliesTo(ctx: RuleContext): Applies;
  check(ctx: RuleContext): Outcome;
}

export type Rule = HostRule | ClusterRule;

type Def<R extends Rule> = Omit<R, 'tag' | 'scope'>;

function tagOf(id: string): string {
  const dot = id.indexOf('.');
  if (dot <= 0) throw new Error(`rule id "${id}" has no tag`);
  return id.slice(0, dot);
}

export function hostRule(def: Def<HostRule>): HostRule {
  return { ...def, scope: 'host', tag: tagOf(def.id) };
}

export function clusterRule(def: Def<ClusterRule>): ClusterRule {
  return { ...def, scope: 'cluster', tag: tagOf(def.id) };
}

export const pass = (message: string): Outcome => ({ status: 'pass', message });
export const fail = (message: string, severity?: Severity): Outcome => (severity ? { status: 'fail', message, severity } : { status: 'fail', message });
export const skip = (message: string): Outcome => ({ status: 'skip', message });
