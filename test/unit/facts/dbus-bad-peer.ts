// Raw Unix-socket peers for input a real dbus-daemon never sends — garbage, truncated or
// big-endian replies, absurd lengths, hanging up mid-authentication, silence — to check that the
// agent's client turns each into a clear failure (or a fall back) instead of a wrong value or a hang.
// Not a stand-in for the bus: the happy paths run against dbus-daemon itself (private-bus.ts).
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';

/** What the peer does once the client has sent its first authentication line. */
export type Behaviour = (sock: Socket, authLine: string) => void;

export interface BadPeer {
  /** Authentication lines received (the leading NUL removed). */
  authLines: string[];
  close: () => Promise<void>;
}

/** Listens at <root>/run/dbus/system_bus_socket; `behave` scripts each connection. */
export async function startBadPeer(root: string, behave: Behaviour): Promise<BadPeer> {
  const socketPath = path.join(root, 'run/dbus/system_bus_socket');
  mkdirSync(path.dirname(socketPath), { recursive: true });
  const authLines: string[] = [];
  const open = new Set<Socket>();
  const server: Server = createServer((sock) => {
    open.add(sock);
    sock.on('close', () => open.delete(sock));
    sock.on('error', () => {
      /* the client hanging up on bad input is what is tested */
    });
    let buf = '';
    let started = false;
    sock.on('data', (d: Buffer) => {
      if (started) return;
      buf += d.toString('latin1');
      const eol = buf.indexOf('\r\n');
      if (eol < 0) return;
      started = true;
      const line = buf.slice(0, eol).replace(/^\0/, '');
      authLines.push(line);
      behave(sock, line);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    authLines,
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Accepts the authentication as a bus would, then sends `bytes`. */
export function okThen(bytes: Buffer, then: 'stay' | 'hang up' = 'stay'): Behaviour {
  return (sock) => {
    sock.write('OK 0123456789abcdef0123456789abcdef\r\n');
    // After BEGIN and the client's calls; the client reads whatever comes next as its replies.
    sock.once('data', () => {
      sock.write(bytes);
      if (then === 'hang up') sock.end();
    });
  };
}
