// cluster.reachability in live mode: each target agent holds its port open (when the port is free;
// otherwise whatever listens there answers), each source agent connects to the target's internal
// address, and the outcomes become ReachabilityProbe records. Both halves are probe commands sent
// through the command dispatcher, signed like every other command.
import { randomBytes } from 'node:crypto';
import type { ClusterModel } from '../../model/cluster';
import type { CommandOutcome, CommandSpec, SendOptions } from '../../commands/dispatcher';
import type { ReachabilityProbe } from '../rule';
import type { ProbePair } from '../reachability-plan';
import type { ReachabilityRunner } from './gather';
import { internalIps } from '../hosts';

export interface ProbeSender {
  send(node: string, spec: CommandSpec, opts: SendOptions): Promise<CommandOutcome>;
}

const CONCURRENCY = 128;
const CONNECT_TIMEOUT_MS = 2500;
const CONNECT_ATTEMPTS = 3;

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

export function reachabilityRunner(sender: ProbeSender): ReachabilityRunner {
  // Two prechecks at once (a --watch and a one-shot run) would race for the same ports, each
  // seeing the other's listener come and go: probe rounds take turns.
  let turn: Promise<unknown> = Promise.resolve();
  const runner: ReachabilityRunner = (pairs, hostToNode, model) => {
    const mine = turn.then(() => probeRound(sender, pairs, hostToNode, model));
    // The queue only orders rounds; each caller gets its own round's error through `mine`.
    turn = mine.catch(() => {});
    return mine;
  };
  return runner;
}

async function probeRound(sender: ProbeSender, pairs: ProbePair[], hostToNode: ReadonlyMap<string, string>, model: ClusterModel): Promise<ReachabilityProbe[]> {
  {
    if (pairs.length === 0) return [];
    const tag = randomBytes(4).toString('hex');
    let seq = 0;
    const id = (kind: string) => `precheck-${tag}-${kind}-${seq++}`;
    const hosts = new Map(model.hosts.map((h) => [h.name, h]));
    const address = (host: string) => {
      const h = hosts.get(host);
      const ips = h ? internalIps(h) : {};
      return ips.v4 ?? ips.v6;
    };

    // Long enough for every connect to happen while the targets listen.
    const holdMs = Math.min(10 * 60_000, 4000 + Math.ceil(pairs.length / CONCURRENCY) * CONNECT_TIMEOUT_MS * CONNECT_ATTEMPTS);
    const targets = [...new Map(pairs.map((p) => [`${p.target}\u0000${p.port}`, p])).values()];
    const listening = new Map<string, Promise<CommandOutcome>>();
    const release = new AbortController();
    for (const t of targets) {
      const node = hostToNode.get(t.target);
      if (!node) continue;
      listening.set(
        `${t.target}\u0000${t.port}`,
        sender.send(
          node,
          { probe: { mode: 'listen', host: '', port: t.port, holdMs, timeoutMs: 0 } },
          { id: id('l'), timeoutMs: holdMs + 60_000, signal: release.signal },
        ),
      );
    }
    // The listeners start as soon as each agent accepts; a connect that is refused is tried again
    // shortly, so a listener that came up a moment late is not reported as unreachable.
    await new Promise((r) => setTimeout(r, 500));

    const results: ReachabilityProbe[] = [];
    await pool(pairs, CONCURRENCY, async (p) => {
      const node = hostToNode.get(p.source);
      const target = address(p.target);
      if (!node || !target) {
        results.push({
          source: p.source,
          target: p.target,
          port: p.port,
          ok: false,
          error: !node ? 'no agent for the source' : 'the target has no internal address',
        });
        return;
      }
      let last = '';
      for (let attempt = 1; attempt <= CONNECT_ATTEMPTS; attempt++) {
        const out = await sender.send(
          node,
          { probe: { mode: 'connect', host: target, port: p.port, timeoutMs: CONNECT_TIMEOUT_MS, holdMs: 0 } },
          { id: id('c'), timeoutMs: CONNECT_TIMEOUT_MS + 30_000 },
        );
        const outcome = out.data?.outcome;
        if (out.status !== 'ok') {
          last = `probe ${out.status}${out.error ? `: ${out.error}` : ''}`;
          break;
        }
        if (outcome === 'connected') {
          results.push({ source: p.source, target: p.target, port: p.port, ok: true });
          return;
        }
        last = outcome === 'timeout' ? `no answer within ${CONNECT_TIMEOUT_MS} ms (filtered?)` : (out.data?.error ?? outcome ?? 'failed');
        if (outcome !== 'refused') break;
        await new Promise((r) => setTimeout(r, 700));
      }
      results.push({ source: p.source, target: p.target, port: p.port, ok: false, error: last });
    });

    // Every connect is done: let the listeners go instead of holding the ports to the end.
    release.abort();
    // A listener that could not bind for a reason other than "in use" explains the failures.
    for (const [key, pending] of listening) {
      const out = await pending;
      if (out.status !== 'ok' && out.status !== 'cancelled') {
        const [target, port] = key.split('\u0000');
        for (const r of results) {
          if (r.target === target && String(r.port) === port && !r.ok) r.error = `${r.error}; listener on ${target}: ${out.error ?? out.status}`;
        }
      }
    }
    return results;
  }
}
