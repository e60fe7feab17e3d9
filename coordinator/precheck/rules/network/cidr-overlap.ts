import type { Cidr } from '../../cidr';
import { overlaps, parseCidr, subnetOf, subnetText } from '../../cidr';
import { validCidrs } from '../../cluster-cidrs';
import { interfaceCarrying, missingReason, nullReason } from '../../facts-access';
import { listNames, validInternalIps } from '../../hosts';
import { clusterRule, fail } from '../../rule';
import { verdict } from '../../verdict';

export const networkCidrOverlap = clusterRule({
  id: 'network.cidr_overlap',
  severity: 'error',
  description: "pod and service CIDRs overlap neither each other nor any host's internal subnet",
  appliesTo: () => true,
  check: (ctx) => {
    const cidrs = validCidrs(ctx.model.vars);
    if (typeof cidrs === 'string') return fail(`cannot check for overlaps: ${cidrs}`);
    const problems: string[] = [];
    for (const p of cidrs.pod) {
      for (const s of cidrs.service) {
        if (overlaps(p, s)) problems.push(`cni.pod_cidr ${p.text} overlaps cni.service_cidr ${s.text}: make them disjoint`);
      }
    }
    // Hosts share subnets: check each distinct subnet once (5,000 hosts, a handful of subnets).
    const subnets = new Map<string, { cidr: Cidr; hosts: string[] }>();
    const unknown: string[] = [];
    // Keyed by the subnet's text; its Cidr is only built for the first host in it.
    const add = (key: string, cidr: () => Cidr, host: string): void => {
      const seen = subnets.get(key);
      if (seen) seen.hosts.push(host);
      else subnets.set(key, { cidr: cidr(), hosts: [host] });
    };
    for (const host of ctx.model.hosts) {
      const fs = ctx.facts.get(host.name);
      for (const ip of validInternalIps(host)) {
        const hit = fs?.interfaces ? interfaceCarrying(fs.interfaces, ip) : null;
        const subnet = hit ? subnetText(hit.address.address, hit.address.prefixLength) : null;
        if (hit && subnet !== null) add(subnet, () => subnetOf(hit.address.address, hit.address.prefixLength)!, host.name);
        else {
          const own = parseCidr(`${ip}/${ip.includes(':') ? 128 : 32}`)!;
          add(own.text, () => own, host.name);
        }
        if (!fs) unknown.push(`subnet of ${host.name} unknown: ${missingReason(ctx, host.name)}`);
        else if (!fs.interfaces) unknown.push(`subnet of ${host.name} unknown: ${nullReason(fs, 'interfaces')}`);
      }
    }
    for (const { cidr, hosts } of subnets.values()) {
      for (const c of [...cidrs.pod, ...cidrs.service]) {
        if (overlaps(c, cidr)) {
          const which = cidrs.pod.includes(c) ? 'cni.pod_cidr' : 'cni.service_cidr';
          problems.push(`${which} ${c.text} overlaps the node subnet ${cidr.text} of ${listNames(hosts, 5)}: choose a ${which} outside the nodes' network`);
        }
      }
    }
    return verdict(
      problems,
      unknown,
      `pod ${cidrs.pod.map((c) => c.text).join(',')} and service ${cidrs.service.map((c) => c.text).join(',')} are disjoint from each other and from ${subnets.size} node subnet(s)`,
    );
  },
});
