// Pieces several install steps share: host selection by group, and the node-side script that
// installs binaries from a release tarball only when the installed version differs (refusing a
// downgrade unless --force).
import type { ClusterModel } from '../../../model/cluster';
import { getNonEmptyString, getString } from '../../../inventory/vars';
import { UserError } from '../../../../shared/errors';

/** Hosts in any of `groups`, in inventory order, each once. */
export function hostsIn(model: ClusterModel, ...groups: string[]): string[] {
  const wanted = new Set(groups.flatMap((g) => model.groups[g] ?? []));
  return model.hosts.map((h) => h.name).filter((h) => wanted.has(h));
}

export const str = (model: ClusterModel, key: string, fallback: string): string => getString(model.vars, key) ?? fallback;

/**
 * An image from its config vars `<key>.registry`, `.repository` and `.tag` (the config loader
 * fills the registry from the `image_registry.*_registry` vars, so it names the cluster registry
 * when there is one).
 */
export function imageFromVars(model: ClusterModel, key: string, defaultRepository: string): string {
  const registry = getNonEmptyString(model.vars, `${key}.registry`);
  const repository = getNonEmptyString(model.vars, `${key}.repository`) ?? defaultRepository;
  const tag = getNonEmptyString(model.vars, `${key}.tag`);
  if (!tag) throw new UserError(`${key}.tag is empty: set the image tag (the offline bundle's config names the one it carries)`);
  return `${registry ? `${registry.replace(/\/+$/, '')}/` : ''}${repository}:${tag}`;
}

/** Shell-quotes one word. */
export const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Where fetched release files are kept on nodes (KubeKey: its tmp_dir). */
export const NODE_ARTIFACTS = '/opt/kubekey/artifacts';

/** Stops (exit 3) when `$want` is older than the installed `$have`, unless --force. */
export const downgradeGuard = (name: string, force: boolean): string =>
  `if [ -n "$have" ] && [ "$(printf '%s\\n%s\\n' "$have" "$want" | sort -V | tail -n1)" = "$have" ] && [ ${force ? 1 : 0} = 0 ]; then
  echo "refusing to downgrade ${name} from $have to $want: pass --force to allow it" >&2; exit 3
fi`;

/** Installs a plain release binary when the installed version differs; refuses a downgrade without --force. */
export function binaryInstallScript(b: { name: string; version: string; src: string; dest: string; installedVersion: string; force: boolean }): string {
  return `want=${q(b.version)}
have=$( { ${b.installedVersion}; } 2>/dev/null || true)
if [ "$have" = "$want" ]; then echo "${b.name} $want already installed"; exit $UNCHANGED; fi
${downgradeGuard(b.name, b.force)}
install -D -m 0755 ${q(b.src)} ${q(`${b.dest}.kk-new`)} && mv -f ${q(`${b.dest}.kk-new`)} ${q(b.dest)}
echo "${b.name} \${have:-(none)} -> $want"`;
}

export interface TarballInstall {
  /** The component, for messages. */
  name: string;
  /** Target version without a leading v. */
  version: string;
  tarball: string;
  /** Archive member path → installed path (mode 0755). */
  files: Record<string, string>;
  /** Prints the installed version (no leading v), or nothing when not installed. */
  installedVersion: string;
  force: boolean;
}

/**
 * Installs the files of a tarball when the installed version differs: exit $UNCHANGED when it
 * matches; refuse (exit 3) to go down a version without --force; otherwise extract into a temp
 * dir and move each file into place (a rename, so a running binary is never half-written).
 */
export function tarballInstallScript(t: TarballInstall): string {
  const moves = Object.entries(t.files)
    .map(([member, dest]) => `install -D -m 0755 "$tmp"/${q(member)} ${q(`${dest}.kk-new`)} && mv -f ${q(`${dest}.kk-new`)} ${q(dest)}`)
    .join('\n');
  return `want=${q(t.version)}
have=$( { ${t.installedVersion}; } 2>/dev/null || true)
if [ "$have" = "$want" ]; then echo "${t.name} $want already installed"; exit $UNCHANGED; fi
${downgradeGuard(t.name, t.force)}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tar -xzf ${q(t.tarball)} -C "$tmp" ${Object.keys(t.files).map(q).join(' ')}
${moves}
echo "${t.name} \${have:-(none)} -> $want"`;
}
