// PLACEHOLDER while the step is written: plans nothing, so the install phase skips it.
import type { InstallStep } from '../step';

export const nfsStep: InstallStep = {
  name: 'nfs',
  title: 'NFS server',
  hosts: () => [],
  stage: () => ({ mode: 'parallel' }),
  plan: () => [],
};
