import { fact } from '../../facts-access';
import { fail, hostRule, pass } from '../../rule';
import { bool } from '../../vars';

const RFC1123 = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export const osHostname = hostRule({
  id: 'os.hostname',
  severity: 'error',
  description: 'the node name (inventory name when native.set_hostname, else the live hostname) is a lower-case RFC 1123 name',
  appliesTo: () => true,
  check: (host, ctx) => {
    const fromInventory = bool(host.vars, 'native.set_hostname');
    const name = fromInventory ? host.name : fact(ctx, host.name, 'hostname');
    if (RFC1123.test(name)) return pass(`hostname "${name}" is a valid node name`);
    const fix = fromInventory
      ? 'rename the host in the inventory'
      : "change the node's hostname, or set native.set_hostname: true so kk sets it to the inventory name";
    return fail(
      `hostname "${name}" (${fromInventory ? 'inventory name, native.set_hostname is on' : 'live hostname'}) is not a lower-case RFC 1123 name (a-z, 0-9, "-", "."): ${fix}`,
    );
  },
});
