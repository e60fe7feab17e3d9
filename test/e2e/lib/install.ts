// Shared by the install suites on the test machines: when they can run, a checked shell on a
// machine, and the run id a create cluster printed.
import { execIn, kubeTestbedAvailable, testbedAvailable } from './testbed';
import { componentsManifest } from './components';

/** Why an install suite cannot run here (no Kubernetes-capable testbed, no components), or false. */
export function installSuiteSkip(): string | false {
  const avail = testbedAvailable().ok ? kubeTestbedAvailable() : testbedAvailable();
  if (!avail.ok) return avail.reason ?? 'the test machines are not available';
  return componentsManifest() ? false : 'no components: run make components (make test does)';
}

/** Runs `script` with bash on the machine; throws with its output unless it exits 0; returns stdout trimmed. */
export async function sh(node: string, script: string): Promise<string> {
  const r = await execIn(node, ['bash', '-c', script]);
  if (r.code !== 0) throw new Error(`${node}: ${script}\n${r.stdout}${r.stderr}`);
  return r.stdout.trim();
}

export const runIdOf = (text: string): string => /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(text)?.[1] ?? '';
