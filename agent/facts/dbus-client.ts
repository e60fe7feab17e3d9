// Asking systemd (and timedated) over the system bus directly — what `systemctl show` and
// `timedatectl show` do themselves — without starting those programs: each costs several ms of
// CPU (dynamic loading of libsystemd-shared) on every fact refresh, more than the question.
// One connection per batch of property reads: authenticate (EXTERNAL: the bus checks our uid
// from the socket's peer credentials), Hello, then every Get at once, replies matched by serial.
// BusUnavailable means nobody answered on the socket (no dbus-daemon, refused, not ours to use):
// the caller then falls back to the command-line tool, which knows other ways in.
import { createConnection, type Socket } from 'node:net';
import { decodeMessage, encodeMethodCall, messageLength, MESSAGE_TYPE, type DBusMessage, type DBusValue, type MethodCall } from './dbus-wire';
import { hostPath, ProbeFailure, type ProbeContext } from './probe';

export const SYSTEM_BUS_SOCKET = '/run/dbus/system_bus_socket';

/** The bus could not be reached or would not let us in; nothing was asked yet. */
export class BusUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusUnavailable';
  }
}

export interface PropertyQuery {
  destination: string;
  path: string;
  interface: string;
  property: string;
}

/** A property's value, or the bus's error for it ("org.freedesktop.DBus.Error.…: message"). */
export type PropertyResult = { value: DBusValue } | { error: string };

const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_AUTH_LINE = 1024;

/**
 * Reads the properties over one connection to the host's system bus. Rejects with BusUnavailable
 * when the bus cannot be used at all, with a ProbeFailure when it stops answering midway.
 */
export async function getProperties(ctx: ProbeContext, queries: readonly PropertyQuery[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<PropertyResult[]> {
  const socketPath = hostPath(ctx, SYSTEM_BUS_SOCKET);
  const calls: MethodCall[] = [
    { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello' },
    ...queries.map((q) => ({
      destination: q.destination,
      path: q.path,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      args: [q.interface, q.property],
    })),
  ];
  const replies = await exchange(socketPath, calls, timeoutMs);
  return replies.slice(1).map((m): PropertyResult => {
    if (m.type === MESSAGE_TYPE.error) return { error: `${m.errorName ?? 'error'}${typeof m.body[0] === 'string' ? `: ${m.body[0]}` : ''}` };
    if (m.signature !== 'v' || m.body.length !== 1)
      throw new ProbeFailure(`D-Bus: Properties.Get answered with signature ${JSON.stringify(m.signature)}, not a variant`);
    return { value: m.body[0]! };
  });
}

/** Authenticates, sends every call, and resolves to their replies in call order. */
function exchange(socketPath: string, calls: readonly MethodCall[], timeoutMs: number): Promise<DBusMessage[]> {
  return new Promise((resolve, reject) => {
    const replies = new Map<number, DBusMessage>();
    let authenticated = false;
    let pending: Buffer = Buffer.alloc(0);
    let settled = false;
    const sock: Socket = createConnection({ path: socketPath });
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(calls.map((_, i) => replies.get(i + 1)!));
    };
    const timer = setTimeout(
      () =>
        finish(
          authenticated
            ? new ProbeFailure(`D-Bus: no answer from the system bus within ${timeoutMs} ms`)
            : new BusUnavailable(`${SYSTEM_BUS_SOCKET}: no authentication answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );

    sock.on('error', (err: NodeJS.ErrnoException) =>
      finish(authenticated ? new ProbeFailure(`D-Bus: ${err.message}`) : new BusUnavailable(`${SYSTEM_BUS_SOCKET}: ${err.code ?? err.message}`)),
    );
    sock.on('close', () =>
      finish(
        authenticated
          ? new ProbeFailure('D-Bus: the system bus closed the connection before answering')
          : new BusUnavailable(`${SYSTEM_BUS_SOCKET}: closed during authentication`),
      ),
    );
    sock.on('connect', () => {
      const uid = process.getuid?.() ?? 0;
      sock.write(`\0AUTH EXTERNAL ${Buffer.from(String(uid), 'ascii').toString('hex')}\r\n`);
    });
    sock.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      try {
        if (!authenticated) {
          const eol = pending.indexOf('\r\n');
          // An answer line is a few dozen bytes; a peer streaming something else is not waited out.
          if (eol < 0 && pending.length > MAX_AUTH_LINE)
            return finish(new BusUnavailable(`${SYSTEM_BUS_SOCKET}: no D-Bus authentication answer (${pending.length} bytes without a line end)`));
          if (eol < 0) return;
          const line = pending.toString('ascii', 0, eol);
          pending = pending.subarray(eol + 2);
          if (!line.startsWith('OK ')) return finish(new BusUnavailable(`${SYSTEM_BUS_SOCKET}: authentication refused (${line.slice(0, 80)})`));
          authenticated = true;
          sock.write(Buffer.concat([Buffer.from('BEGIN\r\n', 'ascii'), ...calls.map((c, i) => encodeMethodCall(c, i + 1))]));
        }
        for (;;) {
          const len = messageLength(pending);
          if (len === null || pending.length < len) return;
          const msg = decodeMessage(pending.subarray(0, len));
          pending = pending.subarray(len);
          // Signals (NameAcquired after Hello) and anything not a reply to us are skipped.
          if (
            (msg.type === MESSAGE_TYPE.methodReturn || msg.type === MESSAGE_TYPE.error) &&
            msg.replySerial !== undefined &&
            msg.replySerial >= 1 &&
            msg.replySerial <= calls.length
          ) {
            if (msg.replySerial === 1 && msg.type === MESSAGE_TYPE.error) {
              return finish(new BusUnavailable(`${SYSTEM_BUS_SOCKET}: Hello refused (${msg.errorName ?? 'error'})`));
            }
            replies.set(msg.replySerial, msg);
            if (replies.size === calls.length) return finish(null);
          }
        }
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/** A systemd unit's object path (sd-bus label escaping: every byte but [A-Za-z0-9] becomes _xx). */
export function unitObjectPath(unit: string): string {
  let out = '';
  for (const b of Buffer.from(unit, 'utf8')) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9]/.test(ch) ? ch : `_${b.toString(16).padStart(2, '0')}`;
  }
  return `/org/freedesktop/systemd1/unit/${out || '_'}`;
}
