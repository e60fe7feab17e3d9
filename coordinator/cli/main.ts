// kk-coordinator: the one binary an operator uses — `serve` runs the coordinator; every other
// command talks to a running one over its admin API (or, like `create config` and `precheck
// --facts`, works on files alone).
import { runProgram, type CommandTable } from './program';
import { OPS_TABLE } from './ops-table';

// Each command's module is loaded only when that command runs (all of them for --help): an
// operator command is a short-lived process, and most of its start-up would otherwise go into
// initialising code it never uses (the server, the precheck rules, the artifact tooling…).
const COMMANDS: CommandTable = {
  serve: async () => [(await import('./commands/serve')).serveCommand()],
  token: OPS_TABLE.token!,
  nodes: OPS_TABLE.nodes!,
  facts: OPS_TABLE.facts!,
  create: async () => [(await import('./commands/create')).createCommand()],
  delete: async () => [(await import('./commands/runs')).deleteCommand()],
  precheck: async () => [(await import('./commands/precheck')).precheckCommand()],
  run: OPS_TABLE.run!,
  runs: OPS_TABLE.runs!,
  certs: async () => [(await import('./commands/certs')).certsCommand()],
  artifact: async () => [(await import('./commands/artifact')).artifactCommand()],
};

runProgram(COMMANDS);
