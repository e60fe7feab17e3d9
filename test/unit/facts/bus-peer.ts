// A client of the real test bus (private-bus.ts) that takes a well-known name and answers
// org.freedesktop.DBus.Properties.Get from a table. It stands in for systemd's manager only:
// systemd cannot run as a service manager on this machine (not PID 1), while the bus between
// the agent and it — authentication, Hello, routing, sender/destination headers, NameAcquired
// signals, error replies — is the real dbus-daemon.
import { createConnection, type Socket } from 'node:net';
import { encodeCall, encodeMessage, frameLength, HEADER, readMessage, type Received, type Typed } from './dbus-marshal';

export interface PeerCall {
  sender: string;
  destination: string;
  path: string;
  interface: string;
  member: string;
  args: Array<string | number | boolean>;
}

export interface BusPeer {
  /** The unique name the bus gave this connection (":1.N"). */
  uniqueName: string;
  /** Method calls received, in order. */
  calls: PeerCall[];
  /** The process id behind a name on the bus (GetConnectionUnixProcessID), null if none owns it. */
  pidOf: (name: string) => Promise<number | null>;
  close: () => Promise<void>;
}

export interface BusPeerOptions {
  /** Well-known name to own (RequestName, DO_NOT_QUEUE). */
  own?: string;
  /** "path interface property" → value, or an Error to answer with org.freedesktop.DBus.Error.AccessDenied. */
  properties?: Record<string, Typed | Error>;
}

const BUS = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' };

export async function connectPeer(socketPath: string, opts: BusPeerOptions = {}): Promise<BusPeer> {
  const sock: Socket = createConnection({ path: socketPath });
  const calls: PeerCall[] = [];
  const waiting = new Map<number, (m: Received) => void>();
  let serial = 0;
  let buf = Buffer.alloc(0);
  let authed: ((line: string) => void) | null = null;
  const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));

  const send = (m: Buffer) => sock.write(m);
  const call = (member: string, args: Typed[] = []) =>
    new Promise<Received>((resolve) => {
      const s = ++serial;
      waiting.set(s, resolve);
      send(encodeCall(s, { ...BUS, member }, args));
    });
  const answer = (m: Received) => {
    const c: PeerCall = {
      sender: String(m.fields[HEADER.sender] ?? ''),
      destination: String(m.fields[HEADER.destination] ?? ''),
      path: String(m.fields[HEADER.path] ?? ''),
      interface: String(m.fields[HEADER.interface] ?? ''),
      member: String(m.fields[HEADER.member] ?? ''),
      args: m.body,
    };
    calls.push(c);
    const to: Array<[number, Typed]> = [
      [HEADER.replySerial, { sig: 'u', value: m.serial }],
      [HEADER.destination, { sig: 's', value: c.sender }],
    ];
    const error = (name: string, text: string) =>
      send(encodeMessage(3, ++serial, [...to, [HEADER.errorName, { sig: 's', value: name }]], [{ sig: 's', value: text }]));
    if (c.interface !== 'org.freedesktop.DBus.Properties' || c.member !== 'Get')
      return error('org.freedesktop.DBus.Error.UnknownMethod', `${c.interface}.${c.member}`);
    const key = [c.path, ...c.args].join(' ');
    const v = opts.properties?.[key];
    if (v === undefined) error('org.freedesktop.DBus.Error.UnknownProperty', `no property ${key}`);
    else if (v instanceof Error) error('org.freedesktop.DBus.Error.AccessDenied', v.message);
    else send(encodeMessage(2, ++serial, to, [{ sig: 'v', value: v }]));
  };

  sock.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    if (authed) {
      const eol = buf.indexOf('\r\n');
      if (eol < 0) return;
      const line = buf.toString('ascii', 0, eol);
      buf = buf.subarray(eol + 2);
      const done = authed;
      authed = null;
      done(line);
    }
    for (;;) {
      const len = frameLength(buf);
      if (len === null || buf.length < len) return;
      const m = readMessage(buf.subarray(0, len));
      buf = buf.subarray(len);
      const replyTo = m.fields[HEADER.replySerial];
      if ((m.type === 2 || m.type === 3) && typeof replyTo === 'number') waiting.get(replyTo)?.(m);
      else if (m.type === 1) answer(m);
    }
  });

  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  sock.on('error', () => {
    /* the bus going away ends the peer; 'close' follows */
  });
  const line = await new Promise<string>((resolve) => {
    authed = resolve;
    sock.write(`\0AUTH EXTERNAL ${Buffer.from(String(process.getuid?.() ?? 0)).toString('hex')}\r\n`);
  });
  if (!line.startsWith('OK ')) throw new Error(`test bus refused the peer: ${line}`);
  sock.write('BEGIN\r\n');
  const hello = await call('Hello');
  const uniqueName = String(hello.body[0]);
  if (opts.own) {
    const r = await call('RequestName', [
      { sig: 's', value: opts.own },
      { sig: 'u', value: 4 },
    ]);
    if (r.type !== 2 || r.body[0] !== 1) throw new Error(`could not own ${opts.own} on the test bus: ${JSON.stringify(r)}`);
  }
  const pidOf = async (name: string) => {
    const r = await call('GetConnectionUnixProcessID', [{ sig: 's', value: name }]);
    return r.type === 2 && typeof r.body[0] === 'number' ? r.body[0] : null;
  };
  return {
    uniqueName,
    calls,
    pidOf,
    close: async () => {
      sock.end();
      await closed;
    },
  };
}
