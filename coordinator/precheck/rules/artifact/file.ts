import { UnknownFactError } from '../../facts-access';
import { clusterRule, fail, pass } from '../../rule';
import { optString } from '../../vars';

export const artifactFile = clusterRule({
  id: 'artifact.file',
  severity: 'error',
  description: 'download.artifact_file exists on the coordinator, ends in .tgz/.tar.gz and matches artifact_md5/artifact_sha256',
  appliesTo: ({ model }) => (optString(model.vars, 'download.artifact_file') !== undefined ? true : 'download.artifact_file is not set'),
  check: ({ model, artifact }) => {
    const file = optString(model.vars, 'download.artifact_file')!;
    if (!/\.(tgz|tar\.gz)$/.test(file)) return fail(`artifact ${file} must end in .tgz or .tar.gz`);
    if (!artifact) throw new UnknownFactError(`artifact ${file} was not inspected`);
    if (artifact.error) throw new UnknownFactError(`artifact ${file} could not be read: ${artifact.error}`);
    if (!artifact.exists)
      return fail(`artifact ${file} does not exist on the coordinator: check download.artifact_file (relative paths are from the working directory)`);
    const problems: string[] = [];
    const checks: [string, 'md5' | 'sha256'][] = [
      ['download.artifact_md5', 'md5'],
      ['download.artifact_sha256', 'sha256'],
    ];
    const verified: string[] = [];
    for (const [key, algo] of checks) {
      const want = optString(model.vars, key);
      if (want === undefined) continue;
      const got = artifact[algo];
      if (got === undefined) throw new UnknownFactError(`the ${algo} of ${file} was not computed`);
      if (got.toLowerCase() !== want.toLowerCase())
        problems.push(`${algo} of ${file} is ${got}, ${key} says ${want}: the file is corrupt or not the expected artifact`);
      else verified.push(algo);
    }
    if (problems.length > 0) return fail(problems.join('; '));
    return pass(`artifact ${file} exists${verified.length > 0 ? ` and its ${verified.join(' and ')} match${verified.length === 1 ? 'es' : ''}` : ''}`);
  },
});
