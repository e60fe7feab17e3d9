// The loaded cluster: a KubeKey v4 inventory and config, validated, groups resolved, defaults
// applied. Everything downstream (precheck rules, phases) reads this, never the YAML.

/** A YAML-ish value after validation: what KubeKey's free-form `spec` can hold. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Vars = { [key: string]: Value };

export interface InventoryHost {
  /** The host's name in the inventory (`inventory_hostname`). */
  name: string;
  /** Every group that contains the host, nested groups resolved, in inventory order; includes `all`. */
  groups: string[];
  /**
   * The host's effective variables, merged per inventory-config.md precedence, low → high:
   * built-in defaults (version-specific for the chosen kube_version) < inventory spec.vars <
   * group vars < host vars < Config spec.
   */
  vars: Vars;
}

export interface ClusterModel {
  /** Hosts in inventory order. */
  hosts: InventoryHost[];
  /** Group name → member host names, nested groups resolved, implicit `all` included. */
  groups: Record<string, string[]>;
  /**
   * Cluster-wide variables: defaults < inventory spec.vars < Config spec (no group or host vars).
   * What cluster-scope rules read (kube_version, cni, etcd, cluster_require …).
   */
  vars: Vars;
  /** Where the model came from, for messages. */
  sources: { inventory: string; config: string | null };
  /** Non-fatal load findings (ignored connector.*, likely typos) for the log. */
  warnings: string[];
}
