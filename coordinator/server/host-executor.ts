// Inventory hosts are not always named like their agents (hosts matched by internal IP): every
// command a run sends goes through this map, so a phase only ever speaks in inventory names.
import type { CommandDispatcher, CommandOutcome, CommandSpec, SendOptions } from '../commands/dispatcher';
import type { HostExecutor } from '../phases/executor';

export function mappedExecutor(dispatcher: CommandDispatcher, hostToNode: ReadonlyMap<string, string>): HostExecutor {
  return {
    send(host: string, spec: CommandSpec, opts: SendOptions): Promise<CommandOutcome> {
      const node = hostToNode.get(host);
      if (!node) {
        return Promise.resolve({
          id: opts.id,
          node: host,
          status: 'unreachable',
          exitCode: null,
          durationMs: 0,
          changed: false,
          stdoutTail: Buffer.alloc(0),
          stderrTail: Buffer.alloc(0),
          stdoutBytes: 0,
          stderrBytes: 0,
          fromJournal: false,
          error: `no enrolled agent matches inventory host "${host}" (by name or internal IP): run the one-liner on it`,
        });
      }
      return dispatcher.send(node, spec, opts);
    },
  };
}
