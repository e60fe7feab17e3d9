// Generates the proto contract's runtime descriptor and TypeScript types from proto/.
// The descriptor is a JSON file that esbuild bundles, so nodes never need the .proto files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import protobuf from 'protobufjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = path.join(root, 'proto');
const outDir = path.join(root, 'shared/proto/generated');
const files = readdirSync(path.join(protoDir, 'kk/v1'))
  .filter((f) => f.endsWith('.proto'))
  .map((f) => `kk/v1/${f}`);

mkdirSync(outDir, { recursive: true });
const pbRoot = new protobuf.Root();
pbRoot.resolvePath = (_origin, target) => path.join(protoDir, target);
pbRoot.loadSync(files, { keepCase: true });
writeFileSync(path.join(outDir, 'descriptor.json'), JSON.stringify(pbRoot.toJSON(), null, 1) + '\n');

execFileSync(
  path.join(root, 'node_modules/.bin/proto-loader-gen-types'),
  ['--keepCase', '--longs=Number', '--enums=String', '--defaults', '--arrays', '--oneofs', '--grpcLib=@grpc/grpc-js', '-I', protoDir, '-O', outDir, ...files],
  { stdio: 'inherit' },
);
// Keep generated files identical across checkouts: drop the absolute path of the .proto source.
for (const f of walk(outDir)) {
  if (f.endsWith('.ts')) writeFileSync(f, readFileSync(f, 'utf8').replace(/^\/\/ Original file: .*\/proto\//m, '// Original file: proto/'));
}
console.log(`generated ${files.length} proto files into ${path.relative(root, outDir)}`);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}
