// machineId: the systemd/D-Bus machine identity, unique per installed system (cloned VMs share it).
import { readHostFile, readOptionalHostFile, type ProbeContext } from './probe';
import { parseIdentityFile } from './identity-file';

/** /etc/machine-id; D-Bus's copy on systems that predate systemd's. */
export async function readMachineId(ctx: ProbeContext): Promise<string> {
  const primary = await readOptionalHostFile(ctx, '/etc/machine-id');
  if (primary !== null) return parseIdentityFile(primary, '/etc/machine-id');
  return parseIdentityFile(await readHostFile(ctx, '/var/lib/dbus/machine-id'), '/var/lib/dbus/machine-id');
}
