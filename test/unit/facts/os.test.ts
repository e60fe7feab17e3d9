import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distributionFromOsRelease, normaliseArchitecture, parseOsRelease, readOs } from '../../../agent/facts/os';
import { context, fixture, makeRoot } from './helpers';

test('os-release: bare ID (ubuntu)', () => {
  assert.deepEqual(distributionFromOsRelease(fixture('os-release-ubuntu2204.txt')), { id: 'ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04.4 LTS' });
});

test('os-release: quoted ID (centos)', () => {
  assert.deepEqual(distributionFromOsRelease(fixture('os-release-centos7.txt')), { id: 'centos', versionId: '7', prettyName: 'CentOS Linux 7 (Core)' });
});

test('os-release: upper-case ID is lower-cased, single quotes and comments handled', () => {
  const d = distributionFromOsRelease(fixture('os-release-kylin-v10.txt'));
  assert.equal(d.id, 'kylin');
  assert.equal(d.versionId, 'V10');
});

test("os-release: this host's debian 12", () => {
  assert.deepEqual(distributionFromOsRelease(fixture('os-release-debian12.txt')), {
    id: 'debian',
    versionId: '12',
    prettyName: 'Debian GNU/Linux 12 (bookworm)',
  });
});

test('os-release: escapes inside double quotes, missing keys take os-release defaults', () => {
  assert.equal(parseOsRelease('PRETTY_NAME="A \\"quoted\\" name"\n').PRETTY_NAME, 'A "quoted" name');
  assert.deepEqual(distributionFromOsRelease('NAME=Linux\n'), { id: 'linux', versionId: '', prettyName: 'Linux' });
  assert.throws(() => distributionFromOsRelease('<html>not os-release</html>\n'), /no KEY=value/);
});

test('architecture is normalised to the Kubernetes names', () => {
  assert.equal(normaliseArchitecture('x86_64'), 'amd64');
  assert.equal(normaliseArchitecture('aarch64'), 'arm64');
  assert.equal(normaliseArchitecture('riscv64'), 'riscv64');
});

test('readOs: /usr/lib/os-release fallback and the kernel release from /proc', async () => {
  const { root, cleanup } = makeRoot({
    '/usr/lib/os-release': fixture('os-release-ubuntu2204.txt'),
    '/proc/sys/kernel/osrelease': '5.15.0-91-generic\n',
  });
  try {
    assert.deepEqual(await readOs(context(root), 'aarch64'), {
      id: 'ubuntu',
      versionId: '22.04',
      prettyName: 'Ubuntu 22.04.4 LTS',
      kernelVersion: '5.15.0-91-generic',
      architecture: 'arm64',
      machine: 'aarch64',
    });
  } finally {
    cleanup();
  }
});

test('readOs: no os-release anywhere is a failure naming the file', async () => {
  const { root, cleanup } = makeRoot({ '/proc/sys/kernel/osrelease': '6.1.0\n' });
  try {
    await assert.rejects(readOs(context(root)), /\/usr\/lib\/os-release: no such file/);
  } finally {
    cleanup();
  }
});
