// The one-liner as a provisioning tool runs it: under dash (Debian's /bin/sh), against a real HTTPS
// server and the real curl. Whatever stops the script from being fetched or verified must make the
// line itself exit non-zero, or cloud-init and Ansible report a node as joined that never was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { execFile, execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { bootstrapOneLiner } from '../../../coordinator/serve/one-liner';
import { publicKeyPin } from '../../../shared/pki/x509';
import { throwawayCa, type Throwaway } from '../init/artifact-mirror';

const hasDash = (() => {
  try {
    execFileSync('dash', ['-c', 'exit 0']);
    return true;
  } catch {
    return false;
  }
})();
const TOKEN = `${'a'.repeat(64)}::a1b2c3.0123456789abcdef`;
const WRONG_PIN = 'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

let tlsMaterial: Throwaway;
let server: https.Server;
let url = '';
/** What /bootstrap.sh answers: a script, a 404, or the first half of a script and a cut connection. */
let answer: { script: string } | { status: number } | { cutAfter: string; rest: string } = { script: '' };

before(async () => {
  tlsMaterial = throwawayCa();
  server = https.createServer({ cert: tlsMaterial.certPem, key: tlsMaterial.keyPem }, (req, res) => {
    if (req.url !== '/bootstrap.sh') {
      res.writeHead(404).end();
      return;
    }
    if ('status' in answer) {
      res.writeHead(answer.status).end('not here\n');
      return;
    }
    if ('script' in answer) {
      res.writeHead(200, { 'Content-Type': 'text/x-shellscript' }).end(answer.script);
      return;
    }
    const { cutAfter, rest } = answer;
    res.writeHead(200, { 'Content-Length': String(Buffer.byteLength(cutAfter + rest)) });
    res.write(cutAfter, () => setTimeout(() => res.socket?.destroy(), 100));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

const dash = (line: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('dash', ['-c', line], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });

const skip = hasDash ? false : 'dash is not installed (apt-get install dash)';

test('the one-liner runs the fetched script with the server and token, and passes on its exit code', { skip }, async () => {
  const line = bootstrapOneLiner(url, publicKeyPin(tlsMaterial.certPem), TOKEN);
  answer = { script: '#!/bin/sh\nset -eu\nprintf "args:"; printf " [%s]" "$@"; echo\n' };
  const ok = await dash(line);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, `args: [--server] [${url}] [--token] [${TOKEN}]\n`);
  answer = { script: '#!/bin/sh\necho "kk-bootstrap: error: the agent stopped" >&2\nexit 3\n' };
  const failed = await dash(line);
  assert.equal(failed.code, 3);
  assert.match(failed.stderr, /the agent stopped/);
});

test('the one-liner exits non-zero when the script cannot be fetched or verified', { skip }, async () => {
  answer = { script: '#!/bin/sh\necho ran\n' };
  const wrongPin = await dash(bootstrapOneLiner(url, WRONG_PIN, TOKEN));
  assert.notEqual(wrongPin.code, 0, 'a serving key that does not match the pin must fail the line');
  assert.match(wrongPin.stderr, /public key does not match pinned public key/);
  assert.equal(wrongPin.stdout, '');

  answer = { status: 404 };
  const missing = await dash(bootstrapOneLiner(url, publicKeyPin(tlsMaterial.certPem), TOKEN));
  assert.notEqual(missing.code, 0, 'an HTTP error must fail the line');
  assert.match(missing.stderr, /404/);

  const closed = https.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadUrl = `https://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const refused = await dash(bootstrapOneLiner(deadUrl, publicKeyPin(tlsMaterial.certPem), TOKEN));
  assert.notEqual(refused.code, 0, 'an unreachable coordinator must fail the line');
});

test('a script cut off mid-transfer runs not even its first half', { skip }, async () => {
  answer = { cutAfter: '#!/bin/sh\necho first-half-ran\n', rest: `${'#'.repeat(4096)}\necho second-half-ran\n` };
  const cut = await dash(bootstrapOneLiner(url, publicKeyPin(tlsMaterial.certPem), TOKEN));
  assert.notEqual(cut.code, 0, 'a truncated download must fail the line');
  assert.doesNotMatch(cut.stdout, /ran/);
});

test('an IPv6 coordinator address is quoted, so no shell reads its brackets as a glob', { skip }, () => {
  const line = bootstrapOneLiner('https://[fd00::5]:9441', WRONG_PIN, TOKEN);
  assert.ok(line.includes(`'https://[fd00::5]:9441/bootstrap.sh') && sh -c "$script" bootstrap.sh --server 'https://[fd00::5]:9441' --token ${TOKEN}`), line);
  execFileSync('dash', ['-n', '-c', line]);
});
