// Owner and group names to ids, from /etc/passwd and /etc/group (the agent has no NSS binding;
// a name only known to LDAP/SSSD must be given as a number).
import { readFileSync } from 'node:fs';

function lookup(file: string, name: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] !== undefined && /^\d+$/.test(f[2])) return Number(f[2]);
  }
  return undefined;
}

/** uid/gid for a name or a number; undefined for "leave as is"; a string error when unknown. */
export function resolveId(
  kind: 'owner' | 'group',
  value: string | undefined,
  files = { passwd: '/etc/passwd', group: '/etc/group' },
): number | undefined | string {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const id = lookup(kind === 'owner' ? files.passwd : files.group, value);
  return id ?? `unknown ${kind === 'owner' ? 'user' : 'group'} ${JSON.stringify(value)} (not in ${kind === 'owner' ? files.passwd : files.group})`;
}
