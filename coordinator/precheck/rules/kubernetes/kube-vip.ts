import { ipFamily, normalizeIp } from '../../cidr';
import { collect, nullReason, UnknownFactError } from '../../facts-access';
import { internalIps, listNames } from '../../hosts';
import { clusterRule, fail } from '../../rule';
import { verdict } from '../../verdict';
import { optString } from '../../vars';

export const kubernetesKubeVip = clusterRule({
  id: 'kubernetes.kube_vip',
  severity: 'error',
  description: "the kube-vip address is a valid IP, no host's internal address, and on no node's interface",
  appliesTo: ({ model }) => {
    const type = optString(model.vars, 'kubernetes.control_plane_endpoint.type') ?? 'local';
    return type === 'kube-vip' ? true : `control_plane_endpoint.type is ${type}`;
  },
  check: (ctx) => {
    const { model } = ctx;
    const address = optString(model.vars, 'kubernetes.control_plane_endpoint.kube_vip.address');
    if (address === undefined) return fail("control_plane_endpoint.type is kube-vip but kube_vip.address is not set: set a free address in the nodes' subnet");
    if (!ipFamily(address)) return fail(`kube_vip.address "${address}" is not an IPv4 or IPv6 address`);
    const vip = normalizeIp(address);
    const owners = model.hosts
      .filter((h) => {
        const ips = internalIps(h);
        return [ips.v4, ips.v6].some((ip) => ip !== undefined && normalizeIp(ip) === vip);
      })
      .map((h) => h.name);
    const problems: string[] = [];
    if (owners.length > 0) problems.push(`kube_vip.address ${address} is the internal address of ${listNames(owners)}: choose an unused address`);
    const seen = collect(
      ctx,
      model.hosts.map((h) => h.name),
      (fs, host) => {
        if (fs.interfaces === null) throw new UnknownFactError(`${host}: interfaces unknown (${nullReason(fs, 'interfaces')})`);
        return fs.interfaces.some((i) => i.addresses.some((a) => normalizeIp(a.address) === vip)) ? host : undefined;
      },
    );
    if (seen.values.length > 0)
      problems.push(`${address} is already assigned on ${listNames(seen.values.map((v) => v.host))}: choose an unused address or remove it from the interface`);
    return verdict(problems, seen.unknown, `kube_vip.address ${address} is free`);
  },
});
