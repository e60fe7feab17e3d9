// The collectors against this machine, compared with what the usual commands say about it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { collectFacts } from '../../../agent/facts/index';
import { parseFactSet } from '../../../shared/facts/schema';
import { CLEAN_PATH } from '../../../shared/facts/types';

const sh = (file: string, args: string[]) => execFileSync(file, args, { encoding: 'utf8', env: { PATH: CLEAN_PATH, LC_ALL: 'C' } });

test('facts of this host match hostname, uname, ip and /proc/meminfo', { timeout: 60_000 }, async () => {
  const f = await collectFacts({});
  assert.equal(f.hostname, sh('hostname', []).trim());
  assert.equal(f.os?.kernelVersion, sh('uname', ['-r']).trim());
  assert.equal(f.os?.machine, sh('uname', ['-m']).trim());

  const memTotalKiB = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  assert.equal(f.memory?.totalBytes, memTotalKiB * 1024);

  const v4 = [...sh('ip', ['-4', '-o', 'addr', 'show']).matchAll(/^\d+:\s+(\S+)\s+inet\s+([\d.]+)\/(\d+)/gm)].map((m) => `${m[1]} ${m[2]}/${m[3]}`).sort();
  const mine = (f.interfaces ?? [])
    .flatMap((i) => i.addresses.filter((a) => a.family === 'IPv4').map((a) => `${i.name} ${a.address}/${a.prefixLength}`))
    .sort();
  assert.ok(v4.length > 0);
  assert.deepEqual(mine, v4);

  const osRelease = readFileSync('/etc/os-release', 'utf8');
  assert.equal(f.os?.id, /^ID="?([^"\n]+)"?$/m.exec(osRelease)?.[1]?.toLowerCase());
  assert.equal(f.cpu?.count, Number(sh('getconf', ['_NPROCESSORS_ONLN']).trim()));

  // Every fact is either there or explained.
  for (const [k, v] of Object.entries(f)) {
    if (v === null && k !== 'fio' && k !== 'services' && k !== 'defaultRoute') assert.ok(f.probeErrors[k], `${k} is null without a reason`);
  }
  assert.equal(f.fio, null);
  parseFactSet(JSON.parse(JSON.stringify(f)), 'this host');
});
