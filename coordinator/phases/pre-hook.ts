// pre_hook: the operator's pre_install scripts, before anything else touches the nodes.
import { hookPhaseModule } from './hook-phase';

export const preHookPhase = hookPhaseModule({ kind: 'pre', title: "run the operator's pre_install scripts on every host" });
