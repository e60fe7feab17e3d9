// The one place for the rule "a work_dir nobody set is the directory the command runs in"
// (docs/init-phase.md). The loaded model always holds a work_dir — KubeKey's role default
// /root/kubekey fills the gap — so whether the operator set it is provenance the loader records
// here, for the vars objects it returns. Vars that did not come from the loader (built by hand,
// or copied) have no record; for them a value equal to the built-in default reads as unset.
import type { Vars } from './cluster';
import { getString } from './vars';

/** KubeKey's built-in work_dir (its roles' defaults), the lowest layer of every host's variables. */
export const BUILTIN_WORK_DIR = '/root/kubekey';

/** Per vars object from the loader: the work_dir the operator set, or null when only the default supplies it. */
const operatorWorkDir = new WeakMap<Vars, string | null>();

/** The loader's record: `layers` are the operator's own layers for these vars, highest precedence first. */
export function recordWorkDirProvenance(vars: Vars, layers: readonly Vars[]): void {
  let set: string | null = null;
  for (const layer of layers) {
    const v = layer.work_dir;
    // A higher layer's null means "not set" (config/merge.ts); "" replaces lower values and means unset.
    if (v === undefined || v === null) continue;
    set = typeof v === 'string' && v !== '' ? v : null;
    break;
  }
  operatorWorkDir.set(vars, set);
}

/** The work_dir the operator set, or undefined: the caller then uses the directory the command runs in. */
export function configuredWorkDir(vars: Vars): string | undefined {
  const recorded = operatorWorkDir.get(vars);
  if (recorded !== undefined) return recorded ?? undefined;
  const v = getString(vars, 'work_dir') ?? '';
  return v === '' || v === BUILTIN_WORK_DIR ? undefined : v;
}
