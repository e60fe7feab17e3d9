import { UnknownFactError } from '../../facts-access';
import { clusterRule, fail, pass } from '../../rule';
import { optString } from '../../vars';
import { registryBeingInstalled } from './registry-install';

const HINT: Record<string, string> = {
  DNS: 'check the name resolves from the coordinator',
  TCP: 'check the registry is up and no firewall blocks the port',
  TLS: 'check image_registry.auth.ca_file is the CA that signed the registry certificate (or set plain_http)',
  HTTP: 'check the registry serves /v2/ and the credentials',
};

export const imageRegistryReachable = clusterRule({
  id: 'image_registry.reachable',
  severity: 'warning',
  description: 'live: the configured registry answers on /v2/ (TLS with the configured CA, or plain HTTP) from the coordinator',
  appliesTo: ({ model, mode }) => {
    if (mode !== 'live') return 'live mode only';
    if (optString(model.vars, 'image_registry.auth.registry') === undefined) return 'image_registry.auth.registry is not set';
    const installing = registryBeingInstalled(model);
    return installing === null ? true : `a ${installing} registry is being installed in this run`;
  },
  check: ({ model, registry }) => {
    const target = optString(model.vars, 'image_registry.auth.registry')!;
    if (!registry) throw new UnknownFactError(`registry ${target} was not probed`);
    const url = registry.url ?? target;
    if (registry.ok) return pass(`${url} answers`);
    const step = registry.step ?? 'HTTP';
    return fail(`${url} failed at ${step}${registry.error ? `: ${registry.error}` : ''}; ${HINT[step] ?? ''}`.trim());
  },
});
