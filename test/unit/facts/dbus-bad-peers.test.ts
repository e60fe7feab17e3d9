// What no real dbus-daemon sends — garbage, truncated and big-endian replies, absurd lengths, a
// hang-up mid-authentication, silence — and no bus at all: each is a clear failure or a fall back
// to systemctl/timedatectl, never a value made up and never a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getProperties, type PropertyQuery } from '../../../agent/facts/dbus-client';
import { readServices } from '../../../agent/facts/services';
import { readNtpSynchronized } from '../../../agent/facts/time';
import { ProbeFailure, type ProbeErrors } from '../../../agent/facts/probe';
import { startBadPeer, okThen, type Behaviour } from './dbus-bad-peer';
import { encodeMessage, HEADER } from './dbus-marshal';
import { context, makeRoot } from './helpers';

const NTP: PropertyQuery = {
  destination: 'org.freedesktop.timedate1',
  path: '/org/freedesktop/timedate1',
  interface: 'org.freedesktop.timedate1',
  property: 'NTPSynchronized',
};
const TOOLS = {
  'systemctl show --no-pager -p Id,LoadState,ActiveState,ExecStart kubelet.service': 'Id=kubelet.service\nLoadState=not-found\nActiveState=inactive\n',
  'timedatectl show -p NTPSynchronized': 'NTPSynchronized=yes\n',
};
// Long enough never to be the reason a test passes: every case here must end on its own.
const PATIENT_MS = 60_000;

/** A reply to the client's Hello (serial 1), well-formed, to put bad bytes after. */
const helloReply = encodeMessage(2, 1, [[HEADER.replySerial, { sig: 'u', value: 1 }]], [{ sig: 's', value: ':1.7' }]);
const ntpReply = encodeMessage(2, 2, [[HEADER.replySerial, { sig: 'u', value: 2 }]], [{ sig: 'v', value: { sig: 'b', value: true } }]);

async function withPeer(behave: Behaviour, body: (root: string, authLines: string[]) => Promise<void>): Promise<void> {
  const { root, cleanup } = makeRoot({ '/run/systemd/system': { dir: true } });
  const peer = await startBadPeer(root, behave);
  try {
    await body(root, peer.authLines);
  } finally {
    await peer.close();
    cleanup();
  }
}

test("the raw peer itself: with a well-formed reply the client reads the value (so the failures below are the bytes')", async () => {
  await withPeer(okThen(Buffer.concat([helloReply, ntpReply])), async (root, authLines) => {
    assert.deepEqual(await getProperties(context(root), [NTP], PATIENT_MS), [{ value: true }]);
    // EXTERNAL with our uid, hex-encoded ASCII digits, as the bus checks against the socket's credentials.
    assert.deepEqual(authLines, [`AUTH EXTERNAL ${Buffer.from(String(process.getuid?.() ?? 0)).toString('hex')}`]);
  });
});

test('garbage after authentication is a failure naming it', async () => {
  await withPeer(okThen(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')), async (root) => {
    await assert.rejects(
      getProperties(context(root), [NTP], PATIENT_MS),
      (err: Error) => err instanceof ProbeFailure && /not a message \(starts with byte 0x48\)/.test(err.message),
    );
    const errors: ProbeErrors = {};
    const calls: string[] = [];
    assert.equal(await readNtpSynchronized(context(root, TOOLS, calls), errors), null);
    assert.match(errors['time.ntpSynchronized'] ?? '', /not a message/);
    assert.deepEqual(calls, [], 'a bus that answered nonsense is not a reason to ask the tool instead');
  });
});

test('a big-endian reply is refused, not misread', async () => {
  const big = Buffer.from(helloReply);
  big[0] = 0x42;
  await withPeer(okThen(big), async (root) => {
    await assert.rejects(getProperties(context(root), [NTP], PATIENT_MS), /only little-endian messages are understood/);
  });
});

test('a message announcing more than the protocol allows fails at once, without waiting for it', async () => {
  const huge = Buffer.from(helloReply);
  huge.writeUInt32LE(0x7fff_fff0, 4);
  await withPeer(okThen(huge), async (root) => {
    await assert.rejects(getProperties(context(root), [NTP], PATIENT_MS), /a message of \d+ bytes is over the 134217728-byte limit/);
  });
});

test('a reply cut short by a hang-up is a failure', async () => {
  await withPeer(okThen(Buffer.concat([helloReply, ntpReply.subarray(0, ntpReply.length - 5)]), 'hang up'), async (root) => {
    await assert.rejects(getProperties(context(root), [NTP], PATIENT_MS), /closed the connection before answering/);
  });
});

test('a reply whose array runs past its message is a failure', async () => {
  const reply = encodeMessage(2, 2, [[HEADER.replySerial, { sig: 'u', value: 2 }]], [{ sig: 'v', value: { sig: 'as', value: ['a'] } }]);
  reply.writeUInt32LE(4096, reply.length - reply.readUInt32LE(4) + 4);
  await withPeer(okThen(Buffer.concat([helloReply, reply])), async (root) => {
    await assert.rejects(getProperties(context(root), [NTP], PATIENT_MS), /array runs past the end of the message/);
  });
});

test('a hang-up during authentication, or an answer that is no answer: the tools are asked instead', async () => {
  const hangUp: Behaviour = (sock) => sock.end();
  const babble: Behaviour = (sock) => sock.write(Buffer.alloc(4096, 0x61));
  for (const [behave, reason] of [
    [hangUp, /closed during authentication/],
    [babble, /no D-Bus authentication answer \(\d+ bytes without a line end\)/],
  ] as const) {
    await withPeer(behave, async (root) => {
      await assert.rejects(getProperties(context(root), [NTP], PATIENT_MS), (err: Error) => err.name === 'BusUnavailable' && reason.test(err.message));
      const calls: string[] = [];
      const errors: ProbeErrors = {};
      assert.equal(await readNtpSynchronized(context(root, TOOLS, calls), errors), true);
      assert.deepEqual(await readServices(context(root, TOOLS, calls), errors, ['kubelet']), {
        kubelet: { loadState: 'not-found', activeState: 'inactive', version: null },
      });
      assert.deepEqual(calls, Object.keys(TOOLS).reverse());
      assert.deepEqual(errors, {});
    });
  }
});

test('a peer that never answers: a failure after the timeout', async () => {
  await withPeer(
    () => {
      /* silent */
    },
    async (root) => {
      await assert.rejects(getProperties(context(root), [], 200), /no authentication answer within 200 ms/);
    },
  );
  await withPeer(
    (sock) => sock.write('OK 0123456789abcdef0123456789abcdef\r\n'),
    async (root) => {
      await assert.rejects(
        getProperties(context(root), [NTP], 200),
        (err: Error) => err instanceof ProbeFailure && /no answer from the system bus within 200 ms/.test(err.message),
      );
    },
  );
});

test('no bus at all: systemctl and timedatectl answer instead', async () => {
  const { root, cleanup } = makeRoot({ '/run/systemd/system': { dir: true } });
  try {
    const calls: string[] = [];
    assert.deepEqual(await readServices(context(root, TOOLS, calls), {}, ['kubelet']), {
      kubelet: { loadState: 'not-found', activeState: 'inactive', version: null },
    });
    assert.equal(await readNtpSynchronized(context(root, TOOLS, calls), {}), true);
    assert.deepEqual(calls, Object.keys(TOOLS));
  } finally {
    cleanup();
  }
});
