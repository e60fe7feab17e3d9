// Public surface of the inventory/config loader.
export { loadCluster, loadClusterFromText, API_VERSION } from './load';
export type { VarPath } from './vars';
export { getVar, getString, getNonEmptyString, getNumber, getBool, getStringList, getMap } from './vars';
export { formatPath } from './yaml-source';
export { parseCidr, parseCidrList, parseVersion, parseMinor, parseKernelVersion, kubeMinorKey, ipFamily } from '../config/formats';
export type { Cidr, IpFamily } from '../config/formats';
export { DEFAULT_KUBE_VERSION, SUPPORTED_KUBE_MINORS, versionDefaults } from '../config/version-defaults';
export { builtinDefaults } from '../config/defaults';
export { clusterRequireDefaults } from '../config/cluster-require';
export { starterConfig, starterInventory } from '../config/starter';
