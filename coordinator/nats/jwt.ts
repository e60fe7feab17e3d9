// NATS decentralized-auth JWTs (the v2 claim format nats-server 2.2+ reads), encoded and signed
// with nkeys.js. The npm packages for this (`nats-jwt`, `@nats-io/jwt`) are 0.0.x previews; the
// part kk needs — three claim types, no imports/exports — is small enough to own:
//
//   header  {"typ":"JWT","alg":"ed25519-nkey"}
//   claims  {jti, iat, iss, name, sub, nats: {…type-specific…, type, version: 2}}
//   token   base64url(header) "." base64url(claims) "." base64url(ed25519(issuer, first two parts))
//
// jti is the base32 sha512/256 of the claims without it, as the Go library computes it; the
// server does not check it, but tools that list JWTs use it as an id.
import { createHash } from 'node:crypto';
import { fromPublic } from 'nkeys.js';
import type { NodePermissions } from '../../shared/subjects';
import type { JwtSigner } from './signer';

const HEADER = { typ: 'JWT', alg: 'ed25519-nkey' } as const;
/** The Go library's jwt.NoLimit. */
export const NO_LIMIT = -1;

export interface PermissionClaim {
  allow?: string[];
  deny?: string[];
}

export interface UserClaim {
  pub?: PermissionClaim;
  sub?: PermissionClaim;
  /** Response permission: max replies per request, ttl in nanoseconds (Go time.Duration). */
  resp?: { max: number; ttl: number };
  subs: number;
  data: number;
  payload: number;
  type: 'user';
  version: 2;
}

export interface AccountClaim {
  limits: {
    subs: number;
    data: number;
    payload: number;
    imports: number;
    exports: number;
    wildcards: boolean;
    conn: number;
    leaf: number;
    mem_storage?: number;
    disk_storage?: number;
    streams?: number;
    consumer?: number;
  };
  /** User public key → unix seconds: that user's JWTs issued at or before then are refused. */
  revocations?: Record<string, number>;
  default_permissions: { pub: PermissionClaim; sub: PermissionClaim };
  type: 'account';
  version: 2;
}

export interface OperatorClaim {
  system_account?: string;
  type: 'operator';
  version: 2;
}

export interface JwtClaims<N> {
  jti: string;
  iat: number;
  iss: string;
  name: string;
  sub: string;
  nats: N;
}

export type AnyClaim = UserClaim | AccountClaim | OperatorClaim;

const RFC4648 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32NoPad(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += RFC4648[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += RFC4648[(value << (5 - bits)) & 31];
  return out;
}

const b64url = (data: string | Uint8Array): string => Buffer.from(data).toString('base64url');

/** Signs `nats` as a claim about `subject`, issued by `issuer` now (or at `issuedAt`, unix seconds). */
export function encodeJwt<N extends AnyClaim>(issuer: JwtSigner, subject: string, name: string, nats: N, issuedAt = Math.floor(Date.now() / 1000)): string {
  const body: Omit<JwtClaims<N>, 'jti'> & { jti: string } = { jti: '', iat: issuedAt, iss: issuer.getPublicKey(), name, sub: subject, nats };
  const withoutId = JSON.stringify({ ...body, jti: undefined });
  body.jti = base32NoPad(createHash('sha512-256').update(withoutId).digest());
  const signed = `${b64url(JSON.stringify(HEADER))}.${b64url(JSON.stringify(body))}`;
  return `${signed}.${b64url(issuer.sign(new TextEncoder().encode(signed)))}`;
}

export class JwtError extends Error {}

/** Decodes and verifies a JWT's signature against its `iss`; throws JwtError on anything malformed. */
export function decodeJwt<N extends AnyClaim = AnyClaim>(token: string): JwtClaims<N> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('not a JWT (expected three dot-separated parts)');
  const [h, c, s] = parts as [string, string, string];
  let header: unknown;
  let claims: JwtClaims<N>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as JwtClaims<N>;
  } catch {
    throw new JwtError('not a JWT (header or claims are not base64url JSON)');
  }
  if (JSON.stringify(header) !== JSON.stringify(HEADER)) throw new JwtError(`unexpected JWT header ${JSON.stringify(header)}`);
  if (typeof claims?.iss !== 'string' || typeof claims.sub !== 'string' || typeof claims.nats?.type !== 'string') {
    throw new JwtError('JWT claims lack iss, sub or nats.type');
  }
  let ok = false;
  try {
    ok = fromPublic(claims.iss).verify(new TextEncoder().encode(`${h}.${c}`), Buffer.from(s, 'base64url'));
  } catch {
    ok = false;
  }
  if (!ok) throw new JwtError(`JWT signature does not verify against its issuer ${claims.iss}`);
  return claims;
}

/** A user claim that allows exactly what nodePermissions() allows (and the reply rule with it). */
export function nodeUserClaim(p: NodePermissions): UserClaim {
  return {
    pub: { allow: [...p.publish.allow], deny: [...(p.publish.deny ?? [])] },
    sub: { allow: [...p.subscribe.allow], deny: [...(p.subscribe.deny ?? [])] },
    resp: { max: p.allowResponses.max, ttl: p.allowResponses.expiresMs * 1_000_000 },
    subs: NO_LIMIT,
    data: NO_LIMIT,
    payload: NO_LIMIT,
    type: 'user',
    version: 2,
  };
}

/** A user with no permission limits (the coordinator itself). */
export function unrestrictedUserClaim(): UserClaim {
  return { pub: {}, sub: {}, subs: NO_LIMIT, data: NO_LIMIT, payload: NO_LIMIT, type: 'user', version: 2 };
}

export function accountClaim(o: { jetstream: boolean; revocations?: Record<string, number> }): AccountClaim {
  const js = o.jetstream ? { mem_storage: NO_LIMIT, disk_storage: NO_LIMIT, streams: NO_LIMIT, consumer: NO_LIMIT } : {};
  const revocations = o.revocations && Object.keys(o.revocations).length > 0 ? o.revocations : undefined;
  return {
    limits: { subs: NO_LIMIT, data: NO_LIMIT, payload: NO_LIMIT, imports: NO_LIMIT, exports: NO_LIMIT, wildcards: true, conn: NO_LIMIT, leaf: NO_LIMIT, ...js },
    ...(revocations ? { revocations } : {}),
    default_permissions: { pub: {}, sub: {} },
    type: 'account',
    version: 2,
  };
}

export function operatorClaim(systemAccount: string): OperatorClaim {
  return { system_account: systemAccount, type: 'operator', version: 2 };
}
