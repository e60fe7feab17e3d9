// productUuid: the firmware's (DMI/SMBIOS) system UUID; kubeadm wants it unique per node. Machines
// without DMI (many ARM boards, some hypervisors) have no such file: null with the reason.
import { readHostFile, type ProbeContext } from './probe';
import { parseIdentityFile } from './identity-file';

export async function readProductUuid(ctx: ProbeContext): Promise<string> {
  return parseIdentityFile(await readHostFile(ctx, '/sys/class/dmi/id/product_uuid'), '/sys/class/dmi/id/product_uuid');
}
