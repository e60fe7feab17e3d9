// post_hook: back up kubeadm-config.yaml on the control plane, then the operator's post_install
// scripts. The backup's timestamp is fixed once per run so a resumed run sends the same command.
import { compactTimestamp } from '../runs/ids';
import { hookPhaseModule } from './hook-phase';
import { kubeadmBackupDir } from './hook-plan';

export const postHookPhase = hookPhaseModule({
  kind: 'post',
  title: "back up kubeadm-config on the control plane, then run the operator's post_install scripts",
  backup: (ctx) => {
    const dir = kubeadmBackupDir(ctx.model);
    return dir ? { dir, stamp: ctx.param('post_hook.kubeadm_backup_stamp', () => compactTimestamp(ctx.now())) } : null;
  },
});
