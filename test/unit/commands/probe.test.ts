import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { runProbe } from '../../../agent/commands/probe';
import { testContext } from './helpers';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

test('listen holds a free port (a connect to it succeeds meanwhile); a taken port is reported not free', async () => {
  const port = await freePort();
  const holding = runProbe({ mode: 'listen', host: '127.0.0.1', port, holdMs: 1500 }, testContext());
  await new Promise((r) => setTimeout(r, 200));
  const c = await runProbe({ mode: 'connect', host: '127.0.0.1', port, timeoutMs: 2000 }, testContext());
  assert.equal(c.data?.outcome, 'connected');
  const busy = await runProbe({ mode: 'listen', host: '127.0.0.1', port, holdMs: 100 }, testContext());
  assert.equal(busy.status, 'ok');
  assert.equal(busy.data?.free, 'false');
  const held = await holding;
  assert.equal(held.data?.free, 'true');
  assert.equal(held.data?.accepted, '1');
});

test('connect reports refused on a closed port and timeout on an unanswered address', async () => {
  const port = await freePort();
  const refused = await runProbe({ mode: 'connect', host: '127.0.0.1', port, timeoutMs: 2000 }, testContext());
  assert.equal(refused.status, 'ok');
  assert.equal(refused.data?.outcome, 'refused');
  // A listener that never accepts, with its accept queue filled: further SYNs go unanswered.
  // (Node always accepts, so the listener is a tiny python3 process.)
  const py = spawn(
    'python3',
    ['-c', 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const p = Number(await new Promise<string>((r) => py.stdout.once('data', (d: Buffer) => r(d.toString().trim()))));
    const fillers: net.Socket[] = [];
    for (let i = 0; i < 4; i++) fillers.push(net.connect(p, '127.0.0.1').on('error', () => {}));
    await new Promise((r) => setTimeout(r, 300));
    const to = await runProbe({ mode: 'connect', host: '127.0.0.1', port: p, timeoutMs: 500 }, testContext());
    assert.equal(to.data?.outcome, 'timeout');
    fillers.forEach((s) => s.destroy());
  } finally {
    py.kill('SIGKILL');
  }
});

test('bad input fails with a reason', async () => {
  assert.match((await runProbe({ mode: 'listen', port: 0 }, testContext())).error ?? '', /port/);
  assert.match((await runProbe({ mode: 'ping', port: 80 }, testContext())).error ?? '', /mode/);
});
