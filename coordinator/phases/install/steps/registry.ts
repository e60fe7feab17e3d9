// PLACEHOLDER while the step is written: plans nothing, so the install phase skips it.
import type { InstallStep } from '../step';

export const registryStep: InstallStep = {
  name: 'image-registry',
  title: 'image registry',
  hosts: () => [],
  stage: () => ({ mode: 'parallel' }),
  plan: () => [],
};
