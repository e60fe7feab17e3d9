import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { EventProgress, replayEvent } from '../../../coordinator/phases/progress-events';
import { PlainProgress, type Progress } from '../../../coordinator/phases/progress';
import { descriptorFor } from '../../../shared/proto/descriptor';
import type { ProgressEvent__Output } from '../../../shared/proto/generated/kk/v1/ProgressEvent';

function script(p: Progress): void {
  p.phaseStart('install', 'OS and etcd', ['node1', 'node2']);
  p.task('node1', 'install', 'etcd: write etcd.env', 'running', { step: 'etcd' });
  p.output('node1', 'etcd 3.6.5 installed', 'stdout');
  p.task('node1', 'install', 'etcd: write etcd.env', 'ok', { durationMs: 1234, step: 'etcd' });
  p.task('node2', 'install', 'etcd: restart', 'failed', { durationMs: 15000, detail: 'exited with code 1', step: 'etcd' });
  p.note('install: etcd on 2 host(s)');
  p.phaseEnd('install', 'failed', 'step etcd: …', 16000);
}

test('progress travels as proto events (through the real wire encoding) and renders the same on the client', () => {
  const direct: string[] = [];
  script(new PlainProgress({ write: (t) => void direct.push(t) }));

  const root = protobuf.Root.fromJSON(descriptorFor(['RunEvent']));
  const RunEvent = root.lookupType('kk.v1.RunEvent');
  const wire: Uint8Array[] = [];
  script(new EventProgress((ev) => wire.push(RunEvent.encode(RunEvent.fromObject({ progress: ev })).finish())));
  assert.equal(wire.length, 7);

  const replayed: string[] = [];
  const view = new PlainProgress({ write: (t) => void replayed.push(t) });
  for (const bytes of wire) {
    const ev = RunEvent.toObject(RunEvent.decode(bytes), { enums: String, longs: Number, defaults: true, arrays: true }) as { progress: ProgressEvent__Output };
    assert.ok(!JSON.stringify(ev).includes('\\u001b'), 'no terminal codes on the wire');
    replayEvent(ev.progress, view);
  }
  assert.equal(replayed.join(''), direct.join(''));
  assert.match(direct.join(''), /\[node2\] install: etcd: restart failed \(15s\): exited with code 1/);
});
