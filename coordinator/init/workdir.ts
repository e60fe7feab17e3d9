// Where the init phase writes: work_dir and the directories KubeKey derives from it. A work_dir
// nobody set is the directory the command runs in (docs/init-phase.md); whether it was set is
// coordinator/model/work-dir.ts's to say.
import path from 'node:path';
import type { Vars } from '../model/cluster';
import { getString } from '../model/vars';
import { configuredWorkDir } from '../model/work-dir';

export interface InitDirs {
  workDir: string;
  /** `<work_dir>/kubekey` unless `binary_dir` is set: where downloads land. */
  binaryDir: string;
  /** `<work_dir>/artifact` unless `artifact_dir` is set: where the offline bundle is built. */
  artifactDir: string;
  /** `<work_dir>/pki`: the certificates. */
  pkiDir: string;
}

/** The directories for a model, relative paths resolved against `cwd`; `workDirOverride` (--work-dir) wins. */
export function resolveInitDirs(vars: Vars, cwd: string, workDirOverride?: string): InitDirs {
  const configured = getString(vars, 'work_dir') ?? '';
  const operatorSet = configuredWorkDir(vars);
  const workDir = workDirOverride ? path.resolve(cwd, workDirOverride) : operatorSet !== undefined ? path.resolve(cwd, operatorSet) : path.resolve(cwd);
  // binary_dir/artifact_dir were derived from the configured work_dir; rebase them when they still
  // hold that derivation, keep them when the operator set them.
  const derived = (key: string, sub: string): string => {
    const v = getString(vars, key) ?? '';
    if (v === '' || v === `${configured}/${sub}`) return path.join(workDir, sub);
    return path.resolve(cwd, v);
  };
  return {
    workDir,
    binaryDir: derived('binary_dir', 'kubekey'),
    artifactDir: derived('artifact_dir', 'artifact'),
    pkiDir: path.join(workDir, 'pki'),
  };
}
