// The cluster certificates of the init phase (kubekey-v4.md §5.1).
export { generateCerts } from './generate';
export type { GenerateResult, GenerateOptions, CertProblem } from './generate';
export { checkCerts } from './check';
export type { CertStatus, CheckOptions } from './check';
export { planCerts, DEFAULT_SANS } from './spec';
export type { CertSpec, CertPolicy, CertSans } from './spec';
