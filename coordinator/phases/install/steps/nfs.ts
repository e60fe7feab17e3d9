// The NFS server on the nfs group (KubeKey's native/nfs; docs/install.md): /etc/exports from
// nfs.share_dir, the shared directories, and the server re-exported and restarted only when
// /etc/exports (or a directory) changed. Its package comes from the os step. Unlike KubeKey, a
// server that is not running is started on every run, and a kernel without nfsd fails the step
// with that reason (after the files and the enabled unit are in place) rather than with a unit
// that would not start.
import type { ClusterModel, Vars } from '../../../model/cluster';
import { getStringList } from '../../../inventory/vars';
import { UserError } from '../../../../shared/errors';
import { script, writeFile, type InstallStep, type StepTask } from '../step';
import { hostsIn, q } from './common';

export const EXPORTS = '/etc/exports';
const OPTIONS = '*(rw,sync,no_subtree_check)';

const nfsHosts = (model: ClusterModel): string[] => hostsIn(model, 'nfs');

export function shareDirs(vars: Vars, host: string): string[] {
  const dirs = getStringList(vars, 'nfs.share_dir') ?? ['/share/'];
  const bad = dirs.filter((d) => !d.startsWith('/'));
  if (bad.length > 0) throw new UserError(`${host}: nfs.share_dir must be absolute paths, not ${bad.map((d) => JSON.stringify(d)).join(', ')}`);
  return dirs;
}

/** exports(5) takes a path with blanks in double quotes. */
const exportPath = (d: string): string => (/[\s"]/.test(d) ? `"${d.replace(/"/g, '\\"')}"` : d);

export function exportsText(dirs: string[]): string {
  return `# Written by kk (docs/install.md) from nfs.share_dir; changing it here is undone by the next create cluster.
${dirs.map((d) => `${exportPath(d)} ${OPTIONS}`).join('\n')}
`;
}

/** Creates the missing directories only: an existing one keeps whatever owner and mode it was given. */
export function shareDirsScript(dirs: string[]): string {
  return `root=\${KK_ROOT:-}
group=nobody
if grep -q '^nogroup:' "$root/etc/group" 2>/dev/null; then group=nogroup; fi
changed=0
for d in ${dirs.map(q).join(' ')}; do
  p=$root$d
  if [ -d "$p" ]; then continue; fi
  mkdir -p "$p"
  chmod 0755 "$p"
  chown "nobody:$group" "$p"
  echo "created $d (0755 nobody:$group)"
  changed=1
done
if [ $changed = 0 ]; then exit $UNCHANGED; fi`;
}

// Debian's nfs-kernel-server.service is an alias of nfs-server.service (RHEL's name): whichever
// name the node knows, the unit is addressed by its real name so is-enabled answers for it.
const FIND_UNIT = `root=\${KK_ROOT:-}
unit=''
for u in nfs-server.service nfs-kernel-server.service; do
  if [ "$(systemctl show -p LoadState --value "$u" 2>/dev/null || true)" = loaded ]; then unit=$(systemctl show -p Id --value "$u"); break; fi
done
if [ -z "$unit" ]; then
  echo "no NFS server unit (nfs-server.service, nfs-kernel-server.service): the os step installs nfs-kernel-server (Debian) or nfs-utils (RHEL)" >&2
  exit 1
fi
not_started() {
  journalctl -u "$unit" -n 30 --no-pager >&2 || true
  echo "$unit did not start (journal above)" >&2
  exit 1
}`;

// The unit is enabled before the kernel is checked: on a kernel without nfsd the node is left
// with its exports, directories and enabled unit, so booting a kernel with nfsd (or loading the
// module) is all that remains, and the next run starts the server.
// /proc/fs/nfsd is no sign: a kernel built with nfsd as a module has that directory whether or
// not the module can be loaded. The nfsd filesystem being registered (or the module loaded) is.
const NEED_NFSD = `nfsd_present() {
  if grep -qw nfsd "$root/proc/filesystems" 2>/dev/null; then return 0; fi
  if [ -d "$root/sys/module/nfsd" ]; then return 0; fi
  return 1
}
if ! nfsd_present; then modprobe nfsd > /dev/null 2>&1 || true; fi
if ! nfsd_present; then
  echo "this kernel has no NFS server support (nfsd is neither a loadable module nor built in), so the NFS server cannot run on this node: use a kernel with nfsd (CONFIG_NFSD), or put another host in the nfs group; /etc/exports, the shared directories and $unit (enabled) are in place" >&2
  exit 1
fi`;

export const APPLY_SCRIPT = `${FIND_UNIT}
systemctl enable "$unit"
${NEED_NFSD}
exportfs -a
if ! systemctl restart "$unit" || ! systemctl is-active --quiet "$unit"; then not_started; fi
echo "exports applied, $unit restarted"`;

export const RUNNING_SCRIPT = `${FIND_UNIT}
changed=0
if [ "$(systemctl is-enabled "$unit" 2>/dev/null || true)" != enabled ]; then systemctl enable "$unit"; echo "enabled $unit"; changed=1; fi
${NEED_NFSD}
if ! systemctl is-active --quiet "$unit"; then
  exportfs -a
  if ! systemctl start "$unit" || ! systemctl is-active --quiet "$unit"; then not_started; fi
  echo "started $unit"
  changed=1
fi
if [ $changed = 0 ]; then exit $UNCHANGED; fi`;

export const nfsStep: InstallStep = {
  name: 'nfs',
  title: 'NFS server',
  hosts: nfsHosts,
  stage: () => ({ mode: 'parallel' }),
  plan(inputs, host): StepTask[] {
    const h = inputs.model.hosts.find((x) => x.name === host);
    if (!h) throw new Error(`${host} is not an inventory host`);
    const dirs = shareDirs(h.vars, host);
    return [
      { task: 'write exports', spec: writeFile(EXPORTS, exportsText(dirs)), description: `${EXPORTS}: ${dirs.join(', ')} ${OPTIONS}` },
      { task: 'share dirs', spec: script(shareDirsScript(dirs)), description: `create ${dirs.join(', ')} (0755, nobody) when missing` },
      {
        task: 'export and restart',
        spec: script(APPLY_SCRIPT, { timeoutMs: 180_000 }),
        waitMs: 200_000,
        onlyIfChanged: ['write exports', 'share dirs'],
        description: 'exportfs -a; enable and restart the NFS server when the exports changed',
      },
      {
        task: 'server running',
        spec: script(RUNNING_SCRIPT, { timeoutMs: 180_000 }),
        waitMs: 200_000,
        description: 'the NFS server is enabled and running (started if not)',
      },
    ];
  },
};
