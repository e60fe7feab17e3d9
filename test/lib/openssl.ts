// A throwaway self-signed EC (P-256) certificate made with the real openssl, for tests that need
// a CA or a server certificate of their own.
import { execFileSync } from 'node:child_process';

export function selfSignedEc(o: { key: string; cert: string; subject: string; extraArgs?: string[] }): void {
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', o.subject];
  execFileSync('openssl', [...args, '-keyout', o.key, '-out', o.cert, ...(o.extraArgs ?? [])], { stdio: 'ignore' });
}
