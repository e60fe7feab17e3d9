import net from 'node:net';

// Ports come from below the kernel's ephemeral range (32768-60999 on Debian): a port taken from
// `listen(0)` and released is exactly the kind of number the kernel hands the next outgoing
// connection or the next `listen(0)`, and a CI run once lost a test to gRPC and nats-server being
// given the same one. Within one test process a port is never handed out twice.
const LOW = 20_000;
const HIGH = 32_000;
const handedOut = new Set<number>();

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** A TCP port that is free on every address right now and was not handed out before in this process. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    // The wildcard bind fails if anything listens on the port on any address; the host bind
    // catches the rare host-specific rule (and keeps the old meaning of the argument).
    if (!(await canBind(port, '0.0.0.0')) || !(await canBind(port, host))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free TCP port found between ${LOW} and ${HIGH}`);
}
