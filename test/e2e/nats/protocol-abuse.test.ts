// Malformed traffic on the NATS port hurts only the connection that sends it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { connect, StringCodec, type NatsConnection } from 'nats';
import type { NatsSupervisor } from '../../../coordinator/nats/supervisor';
import { MAX_PAYLOAD_BYTES } from '../../../coordinator/nats/server-config';
import { commandSubject, resultSubject } from '../../../shared/subjects';
import { RawClient, connectAsNode, credit, makeNode, within, type TlsMaterial, startedNats, type StartedNats } from './helpers';

const sc = StringCodec();
const node = makeNode('worker-1');
const bystander = makeNode('worker-2');
let tmp: StartedNats['tmp'];
let tlsFiles: TlsMaterial;
let ca: string;
let port: number;
let sup: NatsSupervisor;
let coord: NatsConnection;
let other: NatsConnection;

before(async () => {
  ({ tmp, tlsFiles, port, sup } = await startedNats('kk-nats-abuse-'));
  ca = readFileSync(tlsFiles.caFile, 'utf8');
  credit(sup, node, bystander);
  coord = await connect(sup.coordinatorConnectionOptions());
  other = await connectAsNode(port, tlsFiles.caFile, bystander);
});

after(async () => {
  await other?.close();
  await coord?.close();
  await sup?.stop();
  tmp?.cleanup();
});

/** The bystander's connection is still up and carries a command and a result. */
async function bystanderStillWorks(): Promise<void> {
  assert.equal(other.isClosed(), false);
  const cmds = other.subscribe(commandSubject(bystander.name), { max: 1 });
  const results = coord.subscribe(resultSubject(bystander.name, 'ok'), { max: 1 });
  await other.flush();
  await coord.flush();
  coord.publish(commandSubject(bystander.name), sc.encode('go'));
  await within(
    (async () => {
      for await (const m of cmds) other.publish(resultSubject(bystander.name, 'ok'), m.data);
      for await (const m of results) assert.equal(sc.decode(m.data), 'go');
    })(),
    5000,
    'bystander round trip',
  );
}

test('plaintext garbage where the TLS handshake belongs: connection dropped', async () => {
  const sock = net.connect(port, '127.0.0.1');
  let got = '';
  sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
  sock.on('error', () => undefined);
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.write(Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x0d, 0x0a]));
  await within(new Promise<void>((r) => sock.once('close', () => r())), 10_000, 'server to drop the connection');
  assert.match(got, /^INFO \{.*"tls_required":true/);
  await bystanderStillWorks();
});

test('garbage bytes instead of CONNECT: Authorization Violation, connection closed', async () => {
  const raw = await RawClient.open(port, ca);
  raw.write(Buffer.from('\u0000\u00ffGARBAGE\u0007\r\n', 'latin1'));
  await within(raw.closed, 10_000, 'close');
  assert.equal(raw.received, "-ERR 'Authorization Violation'\r\n");
  await bystanderStillWorks();
});

test('garbage bytes after authenticating: Unknown Protocol Operation, connection closed', async () => {
  const raw = await RawClient.open(port, ca);
  await raw.authenticate(node);
  raw.write(Buffer.from('\u0000\u00ffGARBAGE\u0007\r\n', 'latin1'));
  await within(raw.closed, 10_000, 'close');
  assert.match(raw.received, /-ERR 'Unknown Protocol Operation'\r\n$/);
  await bystanderStillWorks();
});

test('a truncated CONNECT line: Authentication Timeout, connection closed', async () => {
  const raw = await RawClient.open(port, ca);
  raw.write('CONNECT {"verbose":fal');
  await within(raw.closed, 15_000, 'close');
  assert.equal(raw.received, "-ERR 'Authentication Timeout'\r\n");
  await bystanderStillWorks();
});

test('a PUB line whose payload never arrives: nothing is delivered and others are not held up', async () => {
  const heard = coord.subscribe(resultSubject(node.name, 'x'));
  await coord.flush();
  const raw = await RawClient.open(port, ca);
  await raw.authenticate(node);
  raw.write(`PUB ${resultSubject(node.name, 'x')} 100\r\nonly-a-few-bytes`);
  // The half-sent message is pending inside the server while everyone else carries on.
  await bystanderStillWorks();
  raw.end();
  await within(raw.closed, 5000, 'close');
  await coord.flush();
  assert.equal(heard.getReceived(), 0);
  heard.unsubscribe();
});

test('an oversized PUB (payload > max_payload): Maximum Payload Violation, connection closed', async () => {
  const raw = await RawClient.open(port, ca);
  await raw.authenticate(node);
  assert.equal(raw.info.max_payload, MAX_PAYLOAD_BYTES);
  raw.write(`PUB ${resultSubject(node.name, 'big')} ${MAX_PAYLOAD_BYTES + 1}\r\n`);
  await within(raw.closed, 10_000, 'close');
  assert.match(raw.received, /-ERR 'Maximum Payload Violation'\r\n$/);
  await bystanderStillWorks();
});

test('nats.js itself refuses to send an oversized payload', async () => {
  const nc = await connectAsNode(port, tlsFiles.caFile, node);
  assert.throws(() => nc.publish(resultSubject(node.name, 'big'), new Uint8Array(MAX_PAYLOAD_BYTES + 1)), /MAX_PAYLOAD_EXCEEDED/);
  await nc.close();
  await bystanderStillWorks();
});
