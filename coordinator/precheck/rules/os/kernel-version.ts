import { fact } from '../../facts-access';
import { fail, hostRule, pass } from '../../rule';
import { str } from '../../vars';
import { atLeast, parseKernel } from '../../versions';

export const osKernelVersion = hostRule({
  id: 'os.kernel_version',
  severity: 'error',
  description: 'the kernel (x.y.z before the first "-") ≥ cluster_require.min_kernel_version',
  appliesTo: () => true,
  check: (host, ctx) => {
    const raw = fact(ctx, host.name, 'os').kernelVersion;
    const minRaw = str(host.vars, 'cluster_require.min_kernel_version');
    const min = parseKernel(minRaw);
    if (!min) return fail(`cluster_require.min_kernel_version "${minRaw}" is not a version`);
    const kernel = parseKernel(raw);
    if (!kernel) return fail(`cannot read kernel release "${raw}" as x.y.z`);
    if (atLeast(kernel, min)) return pass(`kernel ${kernel.version} (${raw}) ≥ ${min.version}`);
    return fail(`kernel ${kernel.version} is older than the required ${min.version}: upgrade the kernel`);
  },
});
