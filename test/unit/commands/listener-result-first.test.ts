// The agent's listener sends a command's result before the journal's fsyncs, and a redelivery
// in between is answered with that result — never by running the command again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { NatsConnection } from 'nats';
import { startCommandListener } from '../../../agent/commands/listener';
import { decodeResult, encodeCommand, encodeSignedCommand, type Command, type CommandResult__Output } from '../../../shared/commands/codec';
import { signCommand } from '../../../shared/commands/signing';
import { commandSubject } from '../../../shared/subjects';
import { eventually, tempDir } from './helpers';

interface Published {
  subject: string;
  data: Uint8Array;
  journalState: string | null;
}

/** Just enough of a NATS connection for the listener: one subscription, published messages kept. */
function fakeNats(journalFile: () => string) {
  let deliver: ((data: Uint8Array) => void) | undefined;
  const published: Published[] = [];
  const hooks: ((p: Published) => void)[] = [];
  const nc = {
    subscribe: (subject: string, opts: { callback: (err: Error | null, msg: { data: Uint8Array }) => void }) => {
      deliver = (data) => opts.callback(null, { data });
      return {
        getSubject: () => subject,
        unsubscribe: () => {
          deliver = undefined;
        },
      };
    },
    publish: (subject: string, data: Uint8Array) => {
      const f = journalFile();
      const p = { subject, data, journalState: existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { state: string }).state : null };
      published.push(p);
      for (const h of hooks) h(p);
    },
    flush: () => Promise.resolve(),
  };
  return { nc: nc as unknown as NatsConnection, published, hooks, deliver: (d: Uint8Array) => deliver?.(d) };
}

test('exec: the result leaves while the journal still says started; a redelivery then gets the same result', async () => {
  const { dir, cleanup } = tempDir('kk-listener-');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const id = 'run1-task1-node1';
  const journalFile = () => path.join(dir, 'commands', 'journal', `${id}.json`);
  const fake = fakeNats(journalFile);
  const stop = startCommandListener(fake.nc, {
    nodeName: 'node1',
    signingPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    caPem: '',
    serverUrl: 'https://127.0.0.1:1',
    dataDir: dir,
    log: pino({ level: 'silent' }),
  });
  try {
    const now = Date.now();
    const counter = path.join(dir, 'ran');
    const cmd: Command = { id, node: 'node1', issuedAtMs: now, expiresAtMs: now + 60_000, exec: { script: `echo x >> ${counter}; echo hello` } };
    const bytes = encodeCommand(cmd);
    const signed = encodeSignedCommand(bytes, signCommand(bytes, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()));
    const results = () => fake.published.filter((p) => p.subject.endsWith('.result')).map((p) => ({ ...p, r: decodeResult(p.data) as CommandResult__Output }));
    // Redelivered the moment the first result is sent, before the journal has caught up.
    let redelivered = false;
    fake.hooks.push((p) => {
      if (!redelivered && p.subject.endsWith('.result')) {
        redelivered = true;
        fake.deliver(signed);
      }
    });
    fake.deliver(signed);
    await eventually(() => results().length === 2, 'two results');
    const [first, second] = results();
    assert.equal(first?.r.status, 'ok');
    assert.equal(first?.r.fromJournal, false);
    assert.equal(first?.journalState, 'started', 'the result was sent before the finished entry was written');
    assert.equal(Buffer.from(first?.r.stdoutTail ?? []).toString(), 'hello\n');
    assert.equal(second?.r.status, 'ok');
    assert.equal(second?.r.fromJournal, true);
    assert.deepEqual(Buffer.from(second?.r.stdoutTail ?? []), Buffer.from(first?.r.stdoutTail ?? []));
    await eventually(() => (JSON.parse(readFileSync(journalFile(), 'utf8')) as { state: string }).state === 'finished', 'the journal entry to be finished');
    // Later redeliveries come from the journal; the command itself ran once.
    fake.deliver(signed);
    await eventually(() => results().length === 3, 'a third result');
    assert.equal(results()[2]?.r.fromJournal, true);
    assert.equal(readFileSync(counter, 'utf8'), 'x\n');
    assert.ok(fake.published.every((p) => p.subject.startsWith(`kk.res.node1.${id}.`) || p.subject === commandSubject('node1')));
  } finally {
    await stop();
    cleanup();
  }
});
