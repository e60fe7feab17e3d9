import { fact } from '../../facts-access';
import { fail, hostRule, pass } from '../../rule';
import { bool, strList } from '../../vars';

/** os-release values may keep their quotes (`ID="centos"`); KubeKey lists both spellings. */
const unquote = (s: string): string =>
  s
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();

export const osDistribution = hostRule({
  id: 'os.distribution',
  severity: 'error',
  description: 'the OS id is in cluster_require.supported_os_distributions unless allow_unsupported_distribution_setup',
  appliesTo: () => true,
  check: (host, ctx) => {
    const os = fact(ctx, host.name, 'os');
    const id = unquote(os.id);
    const supported = [...new Set(strList(host.vars, 'cluster_require.supported_os_distributions').map(unquote))];
    if (supported.includes(id)) return pass(`${os.prettyName || id} is supported`);
    if (bool(host.vars, 'cluster_require.allow_unsupported_distribution_setup')) {
      return pass(`${id} is not in the supported list but cluster_require.allow_unsupported_distribution_setup is true`);
    }
    return fail(
      `OS "${id}" (${os.prettyName}) is not supported (${supported.join(', ')}): use a supported distribution or set cluster_require.allow_unsupported_distribution_setup: true`,
    );
  },
});
