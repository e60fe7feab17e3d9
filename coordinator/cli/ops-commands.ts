// The words main-ops.ts serves: operator commands that only call a running coordinator. boot.ts
// starts the small operator bundle for these (test/unit/cli/bundles.test.ts keeps the lists equal).
export const OPS_COMMANDS: readonly string[] = ['token', 'nodes', 'facts', 'run', 'runs'];
