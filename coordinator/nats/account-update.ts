// Hands nats-server a re-signed account JWT while it runs: a request on
// $SYS.REQ.ACCOUNT.<account>.CLAIMS.UPDATE from a user of the system account. The server applies
// it in place — with revocations, it closes just the revoked users' connections.
//
// Why not a config reload (SIGHUP) with the new JWT in resolver_preload: nats-server 2.9.10, on any
// reload in operator mode, closes EVERY JWT-authenticated client (its "client moved to another
// account" check looks users up among configured nkey users and finds none), so every node would
// reconnect at once. Pushing the claim avoids that; auth.conf is still rewritten so a restarted
// server starts with the same JWT.
import { connect, type ConnectionOptions } from 'nats';
import { errorMessage } from '../../shared/errors';

interface UpdateReply {
  data?: { code?: number; message?: string };
  error?: { code?: number; description?: string };
}

export class AccountUpdateError extends Error {}

/** Sends the account JWT; resolves once the server says it applied it. */
export async function pushAccountJwt(systemUser: ConnectionOptions, account: string, jwt: string, timeoutMs = 10_000): Promise<void> {
  const nc = await connect({ ...systemUser, reconnect: false, maxReconnectAttempts: 0, timeout: timeoutMs, name: 'kk-coordinator (account update)' });
  try {
    let reply: UpdateReply;
    try {
      const msg = await nc.request(`$SYS.REQ.ACCOUNT.${account}.CLAIMS.UPDATE`, new TextEncoder().encode(jwt), { timeout: timeoutMs });
      reply = JSON.parse(new TextDecoder().decode(msg.data)) as UpdateReply;
    } catch (err) {
      throw new AccountUpdateError(`nats-server did not take the new account JWT: ${errorMessage(err)}`);
    }
    if (reply.error || reply.data?.code !== 200) {
      const why = reply.error?.description ?? reply.data?.message ?? JSON.stringify(reply).slice(0, 200);
      throw new AccountUpdateError(`nats-server refused the new account JWT: ${why}`);
    }
  } finally {
    // The server's answer is in; a failing close cannot change it.
    await nc.close().catch(() => undefined);
  }
}
