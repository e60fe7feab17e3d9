// The test machines themselves: two systemd-nspawn machines that must look like real nodes (own
// hostname, systemd as PID 1, own address on the bridge), talk to each other and to the host, accept
// packages from the host although they have no internet, and vanish without a trace on `down`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import {
  testbedAvailable,
  testbedUp,
  testbedDown,
  testbedStatus,
  execIn,
  installDebs,
  copyIn,
  machineIp,
  runTestbed,
  hostBridgeIp,
  testbedStateDir,
  testbedCacheDir,
  BRIDGE,
  type Machine,
} from './lib/testbed';

const available = testbedAvailable();

/** Our nspawn processes: comm is systemd-nspawn and the command line names our state dir or bridge. */
function testbedNspawnPids(): number[] {
  const state = testbedStateDir();
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() !== 'systemd-nspawn') return false;
        const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        return cmdline.includes(state) || cmdline.includes(BRIDGE);
      } catch {
        return false; // exited while we looked
      }
    })
    .map(Number);
}

const mountsUnder = (dir: string): string[] =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m === dir || m.startsWith(`${dir}/`));

const linkExists = (name: string): boolean => spawnSync('ip', ['link', 'show', name], { stdio: 'ignore' }).status === 0;

function httpGet(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout fetching ${url}`)));
    req.on('error', reject);
  });
}

async function eventually<T>(what: string, fn: () => Promise<T>, tries = 40, delayMs = 250): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return await fn();
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
  throw new Error(`${what}: ${last instanceof Error ? last.message : String(last)}`);
}

/** Serves a directory holding `marker` over HTTP on ip:port inside the machine, as a transient unit. */
async function serveMarker(node: string, ip: string, port: number, marker: string): Promise<void> {
  const unit = `kk-test-http-${port}`;
  const r = await execIn(node, [
    '/bin/bash',
    '-c',
    'set -e; mkdir -p /srv/www; printf %s "$1" >/srv/www/marker; ' +
      'systemd-run --unit "$2" --property WorkingDirectory=/srv/www python3 -m http.server "$3" --bind "$4"',
    'serve',
    marker,
    unit,
    String(port),
    ip,
  ]);
  assert.equal(r.code, 0, `systemd-run failed: ${r.stderr}`);
}

describe('testbed machines', { skip: available.ok ? false : available.reason }, () => {
  let machines: Machine[] = [];
  const tmp = mkdtempSync(path.join(tmpdir(), 'kk-testbed-test-'));

  before(
    async () => {
      machines = await testbedUp(2);
    },
    { timeout: 15 * 60_000 },
  );

  after(
    async () => {
      rmSync(tmp, { recursive: true, force: true });
      await testbedDown();
    },
    { timeout: 3 * 60_000 },
  );

  test('up reports node1 and node2 with their fixed addresses', async () => {
    assert.deepEqual(machines, [
      { name: 'node1', ip: '10.213.0.11' },
      { name: 'node2', ip: '10.213.0.12' },
    ]);
    assert.equal(await machineIp('node2'), '10.213.0.12');
    assert.deepEqual(await testbedStatus(), machines);
  });

  test('up again with the same count reports the running machines; another count is refused', async () => {
    const pidsBefore = testbedNspawnPids().sort();
    assert.deepEqual(await testbedUp(2), machines);
    assert.deepEqual(testbedNspawnPids().sort(), pidsBefore, 'up must not restart running machines');
    const r = await runTestbed(['up', '3']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /already up with 2 machines.*down/);
  });

  test('each machine has its own hostname', async () => {
    for (const m of machines) {
      const r = await execIn(m.name, ['hostname']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), m.name);
    }
  });

  test('each machine has its own network namespace with its address and a default route via the host', async () => {
    const r1 = await execIn('node1', ['ip', '-4', '-o', 'addr', 'show']);
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, /inet 10\.213\.0\.11\/24/);
    assert.doesNotMatch(r1.stdout, /10\.213\.0\.12|10\.213\.0\.1\//, 'node1 must not see other addresses');
    const route = await execIn('node1', ['ip', 'route', 'show', 'default']);
    assert.match(route.stdout, /default via 10\.213\.0\.1 /);
    const r2 = await execIn('node2', ['ip', '-4', '-o', 'addr', 'show']);
    assert.match(r2.stdout, /inet 10\.213\.0\.12\/24/);
  });

  test('systemd is PID 1 and the system is running or degraded', async () => {
    for (const m of machines) {
      const comm = await execIn(m.name, ['cat', '/proc/1/comm']);
      assert.equal(comm.stdout.trim(), 'systemd');
      const st = await execIn(m.name, ['systemctl', 'is-system-running']);
      assert.match(st.stdout.trim(), /^(running|degraded)$/, `${m.name}: ${st.stdout}${st.stderr}`);
      const j = await execIn(m.name, ['journalctl', '--no-pager', '-n', '5', '-u', 'systemd-networkd']);
      assert.equal(j.code, 0, j.stderr);
    }
  });

  test('machine ids differ between machines', async () => {
    const ids = await Promise.all(machines.map(async (m) => (await execIn(m.name, ['cat', '/etc/machine-id'])).stdout.trim()));
    assert.match(ids[0] ?? '', /^[0-9a-f]{32}$/);
    assert.notEqual(ids[0], ids[1]);
  });

  test('exec passes stdout, stderr, stdin and the exit code through', async () => {
    const r = await execIn('node1', 'read -r line; echo "out:$line"; echo err >&2; exit 7', { input: 'hello\n' });
    assert.deepEqual(r, { code: 7, stdout: 'out:hello\n', stderr: 'err\n' });
    const env = await execIn('node1', ['printenv', 'PATH']);
    assert.equal(env.stdout.trim(), '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    const arg = await execIn('node1', ['printf', '%s', 'a b; $(echo no)']);
    assert.equal(arg.stdout, 'a b; $(echo no)', 'argv must arrive unparsed');
  });

  test('node1 reaches a TCP listener on node2', async () => {
    await serveMarker('node2', '10.213.0.12', 8080, 'from-node2');
    const r = await eventually('node1 -> node2:8080', async () => {
      const res = await execIn('node1', ['curl', '-fsS', '--max-time', '3', 'http://10.213.0.12:8080/marker']);
      if (res.code !== 0) throw new Error(res.stderr);
      return res;
    });
    assert.equal(r.stdout, 'from-node2');
  });

  test('the host reaches node1 on its bridge address', async () => {
    await serveMarker('node1', '10.213.0.11', 8081, 'from-node1');
    const res = await eventually('host -> node1:8081', () => httpGet('http://10.213.0.11:8081/marker', 3000));
    assert.equal(res.status, 200);
    assert.equal(res.body, 'from-node1');
    const ping = await execIn('node1', ['ping', '-c', '1', '-W', '2', hostBridgeIp]);
    assert.equal(ping.code, 0, ping.stderr);
  });

  test('copy-in puts a host file into the machine, with its mode', async () => {
    const src = path.join(tmp, 'payload.sh');
    writeFileSync(src, '#!/bin/sh\necho copied-ok\n', { mode: 0o750 });
    await copyIn('node2', src, '/opt/kk-test/payload.sh');
    const r = await execIn('node2', ['/opt/kk-test/payload.sh']);
    assert.equal(r.stdout, 'copied-ok\n');
    const mode = await execIn('node2', ['stat', '-c', '%a', '/opt/kk-test/payload.sh']);
    assert.equal(mode.stdout.trim(), '750');
    const other = await execIn('node1', ['test', '-e', '/opt/kk-test/payload.sh']);
    assert.equal(other.code, 1, 'a copy into node2 must not show up in node1');
  });

  test("a machine's changes never reach the cached image", async () => {
    const r = await execIn('node1', ['/bin/sh', '-c', 'echo x >/etc/kk-image-probe']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(path.join(testbedCacheDir(), 'rootfs/etc/kk-image-probe')), false);
    assert.equal((await execIn('node2', ['test', '-e', '/etc/kk-image-probe'])).code, 1);
  });

  test('install-debs installs fio with its dependencies into a machine without internet', { timeout: 11 * 60_000 }, async () => {
    const before = await execIn('node1', ['/bin/sh', '-c', 'command -v fio']);
    assert.notEqual(before.code, 0, 'fio must not be in the base image for this test to mean anything');
    await installDebs('node1', ['fio'], { timeoutMs: 10 * 60_000 });
    const r = await execIn('node1', ['fio', '--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^fio-\d+\.\d+/);
  });

  test('down removes machines, veths, bridge, mounts and state; a second down is fine', async () => {
    const state = testbedStateDir();
    assert.ok(testbedNspawnPids().length >= 2, 'machines should be running before down');
    await testbedDown();
    assert.equal(linkExists(BRIDGE), false, `${BRIDGE} still exists`);
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    assert.doesNotMatch(links, /vb-node\d/, 'veths left behind');
    assert.deepEqual(testbedNspawnPids(), [], 'systemd-nspawn processes left behind');
    assert.deepEqual(mountsUnder(state), [], 'mounts left behind');
    assert.equal(existsSync(state), false, `${state} still exists`);
    await testbedDown();
    assert.deepEqual(await testbedStatus(), []);
  });
});
