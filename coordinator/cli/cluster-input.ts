// What create cluster, delete cluster and run send the coordinator: the inventory and config as
// text, checked here first so a typo is reported with this machine's file names and exit 2.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCluster } from '../inventory/index';

/** `--hosts a,b --hosts c` → [a, b, c]. */
export const collect = (v: string, prev: string[]): string[] => [
  ...prev,
  ...v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
];

export interface ClusterFiles {
  inventoryName: string;
  inventoryYaml: string;
  configName: string;
  configYaml: string;
}

export const NO_CLUSTER_FILES: ClusterFiles = { inventoryName: '', inventoryYaml: '', configName: '', configYaml: '' };

export function clusterFiles(inventory: string, config?: string): ClusterFiles {
  const model = loadCluster(inventory, config ?? null);
  for (const w of model.warnings) process.stderr.write(`warning: ${w}\n`);
  return {
    inventoryName: path.resolve(inventory),
    inventoryYaml: readFileSync(inventory, 'utf8'),
    configName: config ? path.resolve(config) : '',
    configYaml: config ? readFileSync(config, 'utf8') : '',
  };
}
