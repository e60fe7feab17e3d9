// init: certificates and downloads on the coordinator (kubekey-v4.md §5). Not built yet.
import { emptyPhase } from './empty-phase';

export const initPhase = emptyPhase('init', 'certificates and downloads', 'certificates and downloads arrive with the init-phase issue');
