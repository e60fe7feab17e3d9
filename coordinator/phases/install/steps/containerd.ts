// PLACEHOLDER while the step is written: plans nothing, so the install phase skips it.
import type { InstallStep } from '../step';

export const criStep: InstallStep = {
  name: 'cri',
  title: 'container runtime',
  hosts: () => [],
  stage: () => ({ mode: 'parallel' }),
  plan: () => [],
};
