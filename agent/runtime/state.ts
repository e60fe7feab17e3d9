// What the agent keeps in its data dir (/var/lib/kk-agent, 0700): its private key and
// certificate, its NATS seed and user JWT, and what enrolment told it. Identity survives restarts and
// re-runs of the one-liner because this directory does.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';

export interface AgentIdentity {
  nodeName: string;
  server: string;
  grpcAddress: string;
  natsUrls: string[];
  commandSubject: string;
  resultSubjectPrefix: string;
  commandSigningPublicKeyPem: string;
  factsIntervalSeconds: number;
  enrolledAtMs: number;
}

export interface AgentState {
  identity: AgentIdentity;
  keyPem: string;
  certPem: string;
  caPem: string;
  natsSeed: string;
  /**
   * The NATS user JWT the coordinator signed for natsSeed's public key. Absent in data dirs from
   * before NATS used JWTs: the agent then fetches one (NatsCredentials) before connecting.
   */
  natsJwt?: string;
}

const REJOIN = 'rejoin';
const FILES = { identity: 'identity.json', key: 'agent.key', cert: 'agent.crt', ca: 'ca.crt', nats: 'nats.nk', natsJwt: 'nats.jwt', ready: 'ready' } as const;

function writePrivate(file: string, data: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

export class AgentStateStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  load(): AgentState | null {
    const p = (f: string) => path.join(this.dir, f);
    if (![FILES.identity, FILES.key, FILES.cert, FILES.ca, FILES.nats].every((f) => existsSync(p(f)))) return null;
    try {
      const natsJwt = existsSync(p(FILES.natsJwt)) ? readFileSync(p(FILES.natsJwt), 'utf8').trim() : '';
      return {
        identity: JSON.parse(readFileSync(p(FILES.identity), 'utf8')) as AgentIdentity,
        keyPem: readFileSync(p(FILES.key), 'utf8'),
        certPem: readFileSync(p(FILES.cert), 'utf8'),
        caPem: readFileSync(p(FILES.ca), 'utf8'),
        natsSeed: readFileSync(p(FILES.nats), 'utf8').trim(),
        ...(natsJwt ? { natsJwt } : {}),
      };
    } catch {
      return null;
    }
  }

  save(s: AgentState): void {
    const p = (f: string) => path.join(this.dir, f);
    writePrivate(p(FILES.key), s.keyPem);
    writePrivate(p(FILES.cert), s.certPem);
    writePrivate(p(FILES.ca), s.caPem);
    writePrivate(p(FILES.nats), s.natsSeed + '\n');
    if (s.natsJwt) writePrivate(p(FILES.natsJwt), s.natsJwt + '\n');
    else rmSync(p(FILES.natsJwt), { force: true });
    // identity.json last: its presence means the rest is complete.
    writePrivate(p(FILES.identity), JSON.stringify(s.identity, null, 1) + '\n');
  }

  /** Keeps a NATS user JWT fetched after enrolment (see AgentState.natsJwt). */
  saveNatsJwt(jwt: string): void {
    writePrivate(path.join(this.dir, FILES.natsJwt), jwt + '\n');
  }

  /** Forget the enrolment (the coordinator removed this node); the next start enrols afresh. */
  clear(): void {
    for (const f of Object.values(FILES)) rmSync(path.join(this.dir, f), { force: true });
  }

  /**
   * The one-liner leaves a `rejoin` file each time it runs. It is the operator's consent to enrol
   * afresh if the coordinator turns out to have removed this node; a plain restart has no such
   * file, so a removed node stays removed.
   */
  rejoinRequested(): boolean {
    return existsSync(path.join(this.dir, REJOIN));
  }

  clearRejoin(): void {
    rmSync(path.join(this.dir, REJOIN), { force: true });
  }

  markReady(nodeName: string): void {
    writeFileSync(path.join(this.dir, FILES.ready), nodeName + '\n', { mode: 0o644 });
  }

  clearReady(): void {
    rmSync(path.join(this.dir, FILES.ready), { force: true });
  }
}
