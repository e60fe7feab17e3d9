// The D-Bus message format as the agent writes and reads it, checked against the tests' own
// marshaller (dbus-marshal.ts), including shapes the real bus tests do not produce on demand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMethodCall, MAX_MESSAGE_BYTES, messageLength } from '../../../agent/facts/dbus-wire';
import { unitObjectPath } from '../../../agent/facts/dbus-client';
import { firstExecPath } from '../../../agent/facts/services';
import { ProbeFailure } from '../../../agent/facts/probe';
import { encodeMessage, execStart, HEADER, readMessage, type Typed } from './dbus-marshal';

const replyTo = (serial: number): [number, Typed] => [HEADER.replySerial, { sig: 'u', value: serial }];

test('unit object paths use sd-bus label escaping', () => {
  assert.equal(unitObjectPath('kubelet.service'), '/org/freedesktop/systemd1/unit/kubelet_2eservice');
  assert.equal(unitObjectPath('getty@tty1.service'), '/org/freedesktop/systemd1/unit/getty_40tty1_2eservice');
  assert.equal(unitObjectPath('kk-agent.service'), '/org/freedesktop/systemd1/unit/kk_2dagent_2eservice');
});

test('a method call is well-formed: header fields, alignment, string arguments', () => {
  const msg = encodeMethodCall(
    {
      destination: 'org.freedesktop.timedate1',
      path: '/org/freedesktop/timedate1',
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      args: ['org.freedesktop.timedate1', 'NTPSynchronized'],
    },
    7,
  );
  assert.equal(msg[0], 0x6c);
  assert.equal(msg[1], 1);
  assert.equal(msg[3], 1);
  assert.equal(msg.readUInt32LE(8), 7);
  assert.equal(messageLength(msg), msg.length);
  const fieldsEnd = Math.ceil((16 + msg.readUInt32LE(12)) / 8) * 8;
  assert.equal(msg.length - fieldsEnd, msg.readUInt32LE(4));
  // The body: two strings, each uint32 length + bytes + NUL, the second 4-aligned.
  const body = msg.subarray(fieldsEnd);
  assert.equal(body.readUInt32LE(0), 'org.freedesktop.timedate1'.length);
  assert.equal(body.toString('utf8', 4, 29), 'org.freedesktop.timedate1');
  assert.equal(body.readUInt32LE(32), 'NTPSynchronized'.length);
  assert.equal(body.toString('utf8', 36, 51), 'NTPSynchronized');
  // Read back by the independent reader and by the agent's own.
  const other = readMessage(msg);
  assert.equal(other.fields[HEADER.destination], 'org.freedesktop.timedate1');
  assert.equal(other.fields[HEADER.member], 'Get');
  assert.deepEqual(other.body, ['org.freedesktop.timedate1', 'NTPSynchronized']);
  assert.equal(decodeMessage(msg).signature, 'ss');
  assert.deepEqual(decodeMessage(msg).body, ['org.freedesktop.timedate1', 'NTPSynchronized']);
});

test('replies decode: variants, nested arrays of structs, errors', () => {
  const reply = decodeMessage(encodeMessage(2, 9, [replyTo(3)], [{ sig: 'v', value: execStart('/usr/bin/containerd') }]));
  assert.equal(reply.replySerial, 3);
  assert.equal(reply.signature, 'v');
  assert.equal(firstExecPath(reply.body[0]!), '/usr/bin/containerd');
  assert.deepEqual((reply.body[0] as unknown[])[0], ['/usr/bin/containerd', ['/usr/bin/containerd', '--config=/etc/x'], false, 0n, 0n, 0n, 0n, 0, 0, 0]);
  const empty = decodeMessage(encodeMessage(2, 10, [replyTo(4)], [{ sig: 'v', value: { sig: 'a(sasbttttuii)', value: [] } }]));
  assert.equal(firstExecPath(empty.body[0]!), null);
  const err = decodeMessage(
    encodeMessage(3, 11, [replyTo(5), [HEADER.errorName, { sig: 's', value: 'org.freedesktop.DBus.Error.AccessDenied' }]], [{ sig: 's', value: 'no' }]),
  );
  assert.equal(err.errorName, 'org.freedesktop.DBus.Error.AccessDenied');
  assert.deepEqual(err.body, ['no']);
});

test('garbage, truncated, big-endian and oversized messages are failures, not values', () => {
  const good = encodeMessage(2, 9, [replyTo(3)], [{ sig: 'v', value: { sig: 's', value: 'active' } }]);
  assert.equal(decodeMessage(good).body[0], 'active');
  assert.throws(() => decodeMessage(good.subarray(0, good.length - 3)), ProbeFailure);
  const big = Buffer.from(good);
  big[0] = 0x42; // 'B': big-endian is not spoken here
  assert.throws(() => decodeMessage(big), /little-endian/);
  // Told apart on the first byte, before a whole header has arrived.
  assert.throws(() => messageLength(Buffer.from('HTTP/1.1 400')), /not a message \(starts with byte 0x48\)/);
  assert.equal(messageLength(good.subarray(0, 8)), null);
  const huge = Buffer.from(good);
  huge.writeUInt32LE(0xffff_fff0, 4); // body length
  assert.throws(() => messageLength(huge), new RegExp(`over the ${MAX_MESSAGE_BYTES}-byte limit`));
  const badSig = encodeMessage(2, 9, [replyTo(3)], [{ sig: 'v', value: { sig: 's', value: 'x' } }]);
  const i = badSig.lastIndexOf(Buffer.from([1, 0x73, 0])); // the variant's "s" signature
  badSig[i + 1] = 0x7a; // 'z': no such type
  assert.throws(() => decodeMessage(badSig), /not understood/);
  const longArray = encodeMessage(2, 9, [replyTo(3)], [{ sig: 'v', value: { sig: 'as', value: ['a', 'b'] } }]);
  const at = longArray.length - longArray.readUInt32LE(4) + 4; // body: the variant's signature "as" (4 bytes), then the array's byte count
  assert.equal(longArray.readUInt32LE(at), 14);
  longArray.writeUInt32LE(400, at);
  assert.throws(() => decodeMessage(longArray), /array runs past the end/);
});
