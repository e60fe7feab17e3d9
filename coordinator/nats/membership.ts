// Turns "these are the enrolled nodes now" into revocations. With JWT auth a new node needs
// nothing from the server, so only keys that drop out of the list — a removed node, or the old
// key of a node that re-enrolled with a new one — cost anything: one revocation (a reload).
import type { NatsNodeIdentity } from './authority';

export class NatsMembership {
  private known: Set<string>;

  /** `initial`: the nodes enrolled when the coordinator starts; `revoke` cuts keys off. */
  constructor(
    initial: readonly NatsNodeIdentity[],
    private readonly revoke: (keys: string[]) => Promise<void>,
  ) {
    this.known = new Set(initial.map((n) => n.nkeyPublic));
  }

  /**
   * `nodes` is the whole registry after a change. Keys seen before and absent now are revoked;
   * the call resolves once the server enforces that (at once when nothing dropped out).
   */
  sync(nodes: readonly NatsNodeIdentity[]): Promise<void> {
    const now = new Set(nodes.map((n) => n.nkeyPublic));
    const gone = [...this.known].filter((k) => !now.has(k));
    // Updated before the revocation completes: concurrent callers each pass the registry as of
    // their call, and a key once revoked is on disk for good even if the reload fails.
    this.known = now;
    return gone.length > 0 ? this.revoke(gone) : Promise.resolve();
  }
}
