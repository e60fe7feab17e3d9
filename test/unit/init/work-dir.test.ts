// work_dir: the operator's value wherever they set it (even KubeKey's default path), else the
// directory the command runs in (docs/init-phase.md). The loader records which it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCluster } from '../../../coordinator/inventory';
import { resolveInitDirs } from '../../../coordinator/init/workdir';
import { configuredWorkDir } from '../../../coordinator/model/work-dir';
import { fixture, tempFile } from '../inventory/helpers';

const INV = fixture('kubekey-sample-inventory.yaml');
const config = (spec: string): string => tempFile('config.yaml', `apiVersion: kubekey.kubesphere.io/v1\nkind: Config\nspec:\n${spec}`);

test('unset, work_dir is the directory the command runs in', () => {
  const m = loadCluster(INV, null);
  assert.equal(m.vars.work_dir, '/root/kubekey', "the model still carries KubeKey's default");
  assert.equal(configuredWorkDir(m.vars), undefined);
  assert.deepEqual(resolveInitDirs(m.vars, '/srv/here'), {
    workDir: '/srv/here',
    binaryDir: '/srv/here/kubekey',
    artifactDir: '/srv/here/artifact',
    pkiDir: '/srv/here/pki',
  });
  for (const h of m.hosts) assert.equal(configuredWorkDir(h.vars), undefined);
});

test("set by the operator, it is theirs — even when it names KubeKey's default path", () => {
  for (const dir of ['/opt/kk', '/root/kubekey']) {
    const m = loadCluster(INV, config(`  work_dir: ${dir}\n`));
    assert.equal(configuredWorkDir(m.vars), dir);
    assert.equal(resolveInitDirs(m.vars, '/srv/here').workDir, dir);
    assert.equal(resolveInitDirs(m.vars, '/srv/here').binaryDir, `${dir}/kubekey`);
    assert.equal(resolveInitDirs(m.vars, '/srv/here', 'other').workDir, '/srv/here/other', '--work-dir wins');
  }
});

test('vars the loader did not make fall back to reading the default value as unset', () => {
  assert.equal(configuredWorkDir({ work_dir: '/root/kubekey' }), undefined);
  assert.equal(configuredWorkDir({ work_dir: '' }), undefined);
  assert.equal(configuredWorkDir({}), undefined);
  assert.equal(configuredWorkDir({ work_dir: '/data/kk' }), '/data/kk');
});
