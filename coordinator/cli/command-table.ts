// Every command word kk-coordinator offers, each loaded only when that word runs (all of them for
// --help): an operator command is a short-lived process, and most of its start-up would otherwise
// go into initialising code it never uses (the server, the precheck rules, the artifact tooling…).
// One file per word in ./commands/; to add a command, add its file and one line here.
import type { CommandTable } from './program';

// The operator bundle (dist/kk-coordinator-ops.cjs, see ./fast-start/boot.ts) is this same table
// built with KK_CLI_BUNDLE=operator: esbuild drops the entries marked FULL_ONLY there, and the code
// only they import with them. Unmarked entries only call a running coordinator; they must match
// ./fast-start/operator-words.ts (test/unit/cli/bundles.test.ts holds the two equal).
const OPERATOR_BUNDLE = process.env.KK_CLI_BUNDLE === 'operator';

export const COMMANDS: CommandTable = {
  serve: OPERATOR_BUNDLE ? undefined /* FULL_ONLY */ : async () => [(await import('./commands/serve')).serveCommand()],
  token: async () => [(await import('./commands/token')).tokenCommand()],
  nodes: async () => [(await import('./commands/nodes')).nodesCommand()],
  facts: async () => [(await import('./commands/facts')).factsCommand()],
  create: OPERATOR_BUNDLE ? undefined /* FULL_ONLY */ : async () => [(await import('./commands/create')).createCommand()],
  delete: OPERATOR_BUNDLE ? undefined /* FULL_ONLY */ : async () => [(await import('./commands/delete')).deleteCommand()],
  precheck: OPERATOR_BUNDLE ? undefined /* FULL_ONLY */ : async () => [(await import('./commands/precheck')).precheckCommand()],
  run: async () => [(await import('./commands/run')).runCommand()],
  runs: async () => [(await import('./commands/runs')).runsCommand()],
  certs: OPERATOR_BUNDLE ? undefined /* FULL_ONLY */ : async () => [(await import('./commands/certs')).certsCommand()],
  artifact: OPERATOR_BUNDLE ? undefined /* FULL_ONLY */ : async () => [(await import('./commands/artifact')).artifactCommand()],
};
