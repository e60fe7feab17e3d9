// Registry connection settings from the config: `cri.registry.auths` for the registries images
// come from, `image_registry.auth` for the cluster's own registry images are pushed to.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../shared/errors';
import type { Vars } from '../../model/cluster';
import { getBool, getMap, getNonEmptyString, getVar } from '../../model/vars';
import type { RegistryEndpoint } from './registry-client';

function readCa(file: string | undefined, cwd: string, key: string): string[] | undefined {
  if (!file) return undefined;
  const full = path.resolve(cwd, file);
  try {
    return [readFileSync(full, 'utf8')];
  } catch (err) {
    throw new UserError(`${key}: cannot read CA file ${full}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

const hostOf = (registry: string) => registry.replace(/^https?:\/\//, '').replace(/\/.*$/, '');

/** Settings per source registry host, from `cri.registry.auths` (registry, username, password, ca_file, skip_tls_verify, plain_http). */
export function sourceEndpoints(vars: Vars, cwd: string): (registry: string) => Partial<RegistryEndpoint> {
  const list = getVar(vars, 'cri.registry.auths');
  const byHost = new Map<string, Partial<RegistryEndpoint>>();
  for (const [i, item] of (Array.isArray(list) ? list : []).entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const v = item as Vars;
    const registry = getNonEmptyString(v, 'registry') ?? getNonEmptyString(v, 'repo');
    if (!registry) continue;
    byHost.set(hostOf(registry), {
      username: getNonEmptyString(v, 'username'),
      password: getNonEmptyString(v, 'password'),
      ca: readCa(getNonEmptyString(v, 'ca_file'), cwd, `cri.registry.auths[${i}].ca_file`),
      skipTlsVerify: getBool(v, 'skip_tls_verify') ?? false,
      plainHttp: getBool(v, 'plain_http') ?? false,
    });
  }
  return (registry) => byHost.get(registry) ?? byHost.get(hostOf(registry)) ?? {};
}

/** The cluster registry (`image_registry.auth`), or null when none is configured. */
export function targetEndpoint(vars: Vars, cwd: string): RegistryEndpoint | null {
  const auth = getMap(vars, 'image_registry.auth');
  const registry = auth ? getNonEmptyString(auth, 'registry') : undefined;
  if (!auth || !registry) return null;
  return {
    host: hostOf(registry),
    username: getNonEmptyString(auth, 'username'),
    password: getNonEmptyString(auth, 'password'),
    ca: readCa(getNonEmptyString(auth, 'ca_file'), cwd, 'image_registry.auth.ca_file'),
    skipTlsVerify: getBool(auth, 'skip_tls_verify') ?? false,
    plainHttp: getBool(auth, 'plain_http') ?? false,
  };
}
