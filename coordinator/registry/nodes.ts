// The node registry: who is enrolled (identity = name + machine-id + the client certificate the
// coordinator issued), their live fact sets and whether they are connected now.
import path from 'node:path';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { JsonStore } from '../state/json-store';
import { writeFileAtomic, writeFileAtomicAsync } from '../state/files';
import type { FactSet } from '../../shared/facts/types';

export interface NodeRecord {
  name: string;
  machineId: string;
  certFingerprint: string;
  certSerial: string;
  nkeyPublic: string;
  enrolledAtMs: number;
  agentVersion: string;
  tokenId: string;
}

export interface StoredFacts {
  facts: FactSet;
  receivedAtMs: number;
  clockOffsetMs: number;
}

export class IdentityConflict extends Error {}

const FACTS_WRITE_DELAY_MS = 250;

export class NodeRegistry {
  private readonly store: JsonStore<{ nodes: NodeRecord[] }>;
  private readonly byFingerprint = new Map<string, NodeRecord>();
  private readonly facts = new Map<string, StoredFacts>();
  private readonly lastSeen = new Map<string, number>();
  private readonly connected = new Set<string>();
  private readonly factsDir: string;
  private readonly listeners = new Set<(name: string, f: StoredFacts) => void>();
  /** Nodes whose cached facts file is behind memory; written together, off the event loop. */
  private readonly dirtyFacts = new Set<string>();
  private factsTimer: NodeJS.Timeout | undefined;
  private factsWrites: Promise<void> = Promise.resolve();

  constructor(stateDir: string) {
    this.store = new JsonStore(
      path.join(stateDir, 'nodes.json'),
      () => ({ nodes: [] }),
      (raw) => {
        const v = raw as { nodes?: unknown };
        if (!v || !Array.isArray(v.nodes)) throw new Error('nodes.json: expected {"nodes": [...]}');
        return { nodes: v.nodes as NodeRecord[] };
      },
    );
    this.factsDir = path.join(stateDir, 'facts');
    mkdirSync(this.factsDir, { recursive: true, mode: 0o700 });
    for (const n of this.store.get().nodes) {
      this.byFingerprint.set(n.certFingerprint, n);
      const f = path.join(this.factsDir, `${n.name}.json`);
      if (existsSync(f)) {
        try {
          this.facts.set(n.name, JSON.parse(readFileSync(f, 'utf8')) as StoredFacts);
        } catch {
          // A torn facts file is only a cache: the agent reports again on connect.
        }
      }
    }
  }

  /** Resolves once every registry change is on disk. */
  flushed(): Promise<void> {
    return this.store.flushed();
  }

  flushSync(): void {
    this.store.flushSync();
    if (this.factsTimer) clearTimeout(this.factsTimer);
    this.factsTimer = undefined;
    for (const name of this.takeDirtyFacts()) {
      writeFileAtomic(this.factsFile(name), JSON.stringify(this.facts.get(name)), 0o600, { fsync: false });
    }
  }

  /** Resolves once the facts cache on disk matches memory (tests; shutdown uses flushSync). */
  async factsFlushed(): Promise<void> {
    if (this.factsTimer) {
      clearTimeout(this.factsTimer);
      this.factsTimer = undefined;
      this.writeDirtyFacts();
    }
    await this.factsWrites;
  }

  private factsFile(name: string): string {
    return path.join(this.factsDir, `${name}.json`);
  }

  private takeDirtyFacts(): string[] {
    const names = [...this.dirtyFacts].filter((n) => this.facts.has(n));
    this.dirtyFacts.clear();
    return names;
  }

  private writeDirtyFacts(): void {
    const batch = this.takeDirtyFacts().map((name) => [name, JSON.stringify(this.facts.get(name))] as const);
    this.factsWrites = this.factsWrites.then(async () => {
      for (const [name, text] of batch) {
        // A node removed since the batch was taken must not come back as a file.
        if (!this.facts.has(name)) continue;
        // A facts file that could not be written costs little: the agent reports again on reconnect.
        await writeFileAtomicAsync(this.factsFile(name), text, 0o600).catch(() => undefined);
      }
    });
  }

  list(): NodeRecord[] {
    return [...this.store.get().nodes];
  }

  get(name: string): NodeRecord | undefined {
    return this.store.get().nodes.find((n) => n.name === name);
  }

  byCertFingerprint(fp: string): NodeRecord | undefined {
    return this.byFingerprint.get(fp);
  }

  /**
   * Decides whether an enrolment may take `name`. The same machine re-enrolling keeps its name;
   * another machine needs `force` (a cloned VM or a re-imaged host must be a deliberate choice).
   */
  checkIdentity(name: string, machineId: string, force: boolean): void {
    const existing = this.get(name);
    if (existing && existing.machineId !== machineId && !force) {
      throw new IdentityConflict(
        `node name "${name}" is already enrolled by another machine (machine-id ${existing.machineId.slice(0, 8)}…); ` +
          're-run the one-liner with --force to replace it, or choose another --name',
      );
    }
  }

  upsert(rec: NodeRecord): void {
    const old = this.get(rec.name);
    if (old) this.byFingerprint.delete(old.certFingerprint);
    this.store.update((s) => {
      s.nodes = s.nodes.filter((n) => n.name !== rec.name);
      s.nodes.push(rec);
    });
    this.byFingerprint.set(rec.certFingerprint, rec);
  }

  remove(name: string): NodeRecord | undefined {
    const old = this.get(name);
    if (!old) return undefined;
    this.byFingerprint.delete(old.certFingerprint);
    this.store.update((s) => {
      s.nodes = s.nodes.filter((n) => n.name !== name);
    });
    this.facts.delete(name);
    this.connected.delete(name);
    this.dirtyFacts.delete(name);
    rmSync(this.factsFile(name), { force: true });
    return old;
  }

  putFacts(name: string, stored: StoredFacts): void {
    this.facts.set(name, stored);
    this.touch(name, stored.receivedAtMs);
    // A cache, not a record (the agent reports again on reconnect): written behind, coalesced and
    // without fsync, so a fleet refreshing at once does not block the event loop on 1,000 writes.
    this.dirtyFacts.add(name);
    if (!this.factsTimer) {
      this.factsTimer = setTimeout(() => {
        this.factsTimer = undefined;
        this.writeDirtyFacts();
      }, FACTS_WRITE_DELAY_MS);
      this.factsTimer.unref();
    }
    for (const l of this.listeners) l(name, stored);
  }

  getFacts(name: string): StoredFacts | undefined {
    return this.facts.get(name);
  }

  onFacts(listener: (name: string, f: StoredFacts) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  touch(name: string, at = Date.now()): void {
    this.lastSeen.set(name, at);
  }

  lastSeenMs(name: string): number {
    return this.lastSeen.get(name) ?? this.facts.get(name)?.receivedAtMs ?? 0;
  }

  setConnected(name: string, on: boolean): void {
    if (on) this.connected.add(name);
    else this.connected.delete(name);
  }

  isConnected(name: string): boolean {
    return this.connected.has(name);
  }
}
