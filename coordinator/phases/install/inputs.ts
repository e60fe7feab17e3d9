// What install steps plan from, besides the model: the files init verified (by artifact name and
// arch, each with the sha256 agents fetch it by), the certificates init made (read on the
// coordinator, sent in signed commands, never fetched from a node), and values fixed once per run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../shared/errors';
import type { ClusterModel } from '../../model/cluster';
import { getNonEmptyString } from '../../inventory/vars';
import type { ResolvedArtifact } from '../../init/artifacts/cache';
import type { FactSet, InterfaceFacts, ServiceFacts } from '../../../shared/facts/types';

export interface StepInputs {
  model: ClusterModel;
  /** Where relative paths in the config (ca_file …) resolve: the directory the command runs in. */
  cwd: string;
  /** The verified file `name` (etcd, containerd, runc …) for `arch`; throws a UserError naming what is missing. */
  artifact(name: string, arch: string): ResolvedArtifact;
  /** A PEM file of init's PKI directory (root.crt, etcd-node1.key …). */
  pki(file: string): string;
  /** The host's CPU architecture as release files name it (amd64, arm64). */
  arch(host: string): string;
  /** The host's internal IPv4 address (inventory internal_ipv4); throws naming the host when unset. */
  ipv4(host: string): string;
  /** A value generated once per run and kept across --resume (tokens, member lists). */
  param(key: string, make: () => string): string;
  /**
   * What the host's agent last reported of a kk-managed unit (etcd, containerd, docker, kubelet):
   * load/active state and version. null when the host's facts are unknown — then a step plans as
   * for a fresh node and its node-side checks keep it idempotent.
   */
  unit(host: string, name: string): ServiceFacts | null;
  /** The host's network interfaces as its agent last reported them; null when unknown. */
  interfaces(host: string): InterfaceFacts[] | null;
  /** --force: downgrades are allowed. */
  force: boolean;
}

export interface InputSources {
  model: ClusterModel;
  cwd?: string;
  resolved: ResolvedArtifact[];
  pkiDir: string;
  arches: string[];
  param(key: string, make: () => string): string;
  facts?: (host: string) => FactSet | null;
  force?: boolean;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', amd64: 'amd64', aarch64: 'arm64', arm64: 'arm64' };

export function stepInputs(src: InputSources): StepInputs {
  const pkiCache = new Map<string, string>();
  return {
    model: src.model,
    cwd: src.cwd ?? process.cwd(),
    artifact(name, arch) {
      const a = src.resolved.find((r) => r.name === name && (r.arch === null || r.arch === arch));
      if (!a) {
        throw new UserError(`no verified ${name} for ${arch} from the init phase: run init (or import the offline bundle) for this config first`);
      }
      return a;
    },
    pki(file) {
      let text = pkiCache.get(file);
      if (text === undefined) {
        const full = path.join(src.pkiDir, file);
        try {
          text = readFileSync(full, 'utf8');
        } catch (err) {
          throw new UserError(`${full}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; the init phase makes it — run init first`);
        }
        pkiCache.set(file, text);
      }
      return text;
    },
    arch(host) {
      const h = src.model.hosts.find((x) => x.name === host);
      const own = h ? getNonEmptyString(h.vars, 'arch') : undefined;
      return (own && ARCH_ALIASES[own]) || src.arches[0] || 'amd64';
    },
    ipv4(host) {
      const h = src.model.hosts.find((x) => x.name === host);
      const ip = h ? getNonEmptyString(h.vars, 'internal_ipv4') : undefined;
      if (!ip) throw new UserError(`${host}: internal_ipv4 is not set in the inventory; install steps address nodes by it`);
      return ip;
    },
    param: src.param,
    unit(host, name) {
      return src.facts?.(host)?.services?.[name] ?? null;
    },
    interfaces(host) {
      return src.facts?.(host)?.interfaces ?? null;
    },
    force: src.force ?? false,
  };
}
