// Image references as the container world writes them: `[registry/]repository[:tag][@digest]`,
// with Docker Hub's shorthands (`nginx` → docker.io/library/nginx:latest).
import { UserError } from '../../../shared/errors';

export interface ImageReference {
  registry: string;
  repository: string;
  tag: string;
  digest?: string;
}

export function parseReference(ref: string): ImageReference {
  const m = /^(?:([^/]+)\/)?([^:@]+(?:\/[^:@]+)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$/.exec(ref.trim());
  if (!m) throw new UserError(`not an image reference: ${JSON.stringify(ref)}`);
  let registry = m[1];
  let repository = m[2]!;
  // The first segment is a registry only when it looks like a host (has a dot or port, or is localhost).
  if (registry && !/[.:]/.test(registry) && registry !== 'localhost') {
    repository = `${registry}/${repository}`;
    registry = undefined;
  }
  registry ??= 'docker.io';
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) {
    throw new UserError(`image ${JSON.stringify(ref)}: repository ${JSON.stringify(repository)} is not valid (lower-case letters, digits, . _ - and /)`);
  }
  return { registry, repository, tag: m[3] ?? 'latest', ...(m[4] ? { digest: m[4] } : {}) };
}

/** The host the distribution API is at: Docker Hub's is not docker.io. */
export function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

export function formatReference(r: ImageReference): string {
  return `${r.registry}/${r.repository}:${r.tag}${r.digest ? `@${r.digest}` : ''}`;
}
