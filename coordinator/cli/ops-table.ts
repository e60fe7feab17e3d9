// The operator commands that only call a running coordinator: the whole of the operator bundle
// (main-ops.ts) and a part of the full one (main.ts).
import type { CommandTable } from './program';

export const OPS_TABLE: CommandTable = {
  token: async () => [(await import('./commands/token')).tokenCommand()],
  nodes: async () => [(await import('./commands/nodes')).nodesCommand()],
  facts: async () => [(await import('./commands/nodes')).factsCommand()],
  run: async () => [(await import('./commands/runs')).runCommand()],
  runs: async () => [(await import('./commands/runs')).runsCommand()],
};
