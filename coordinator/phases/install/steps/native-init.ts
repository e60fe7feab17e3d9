// PLACEHOLDER while the step is written: plans nothing, so the install phase skips it.
import type { InstallStep } from '../step';

export const nativeInitStep: InstallStep = {
  name: 'native-init',
  title: 'OS preparation',
  hosts: () => [],
  stage: () => ({ mode: 'parallel' }),
  plan: () => [],
};
