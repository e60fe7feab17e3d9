import { fact } from '../../facts-access';
import { fail, hostRule, pass } from '../../rule';
import { strList } from '../../vars';

export const osArchitecture = hostRule({
  id: 'os.architecture',
  severity: 'error',
  description: 'the CPU architecture is in cluster_require.supported_architectures',
  appliesTo: () => true,
  check: (host, ctx) => {
    const os = fact(ctx, host.name, 'os');
    const supported = strList(host.vars, 'cluster_require.supported_architectures').map((a) => a.toLowerCase());
    if (supported.includes(os.architecture.toLowerCase()) || supported.includes(os.machine.toLowerCase())) {
      return pass(`architecture ${os.architecture} (${os.machine}) is supported`);
    }
    return fail(`architecture ${os.architecture} (${os.machine}) is not supported (${supported.join(', ')}): use an amd64 or arm64 node`);
  },
});
