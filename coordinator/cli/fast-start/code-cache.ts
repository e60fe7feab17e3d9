// Runs a CommonJS bundle with a V8 code cache kept next to it, so a short-lived process does not
// compile the same megabytes of JavaScript on every start (Node 20 has no module compile cache).
//
// The cache is written after a successful run (exit code 0), when V8 has compiled every function
// the command used, so the next run of that command starts with nearly all of its bytecode. One
// cache per cache key (the caller passes the command word): each command needs different code.
// A cache is only trusted for the exact bundle file it was made from (size, times, inode in its
// header) and by V8 only for the same V8 version and flags; anything else is ignored and replaced.
// Its payload is checked against a SHA-256 in the header before V8 sees it: V8 does not verify
// cached data, and damaged bytes abort the process inside the deserializer.
// Caches live beside the bundle and nowhere else: bytecode is code, so it needs the same trust as
// the bundle itself.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { accessSync, closeSync, constants, fsyncSync, fstatSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

const MAGIC = 'kk-v8-cache/1';

export interface CodeCacheOptions {
  /** The bundle to run. */
  bundle: string;
  /** Distinguishes caches of the same bundle (e.g. the command word): [A-Za-z0-9_-], at most 40. */
  key: string;
  /** The module that loads the bundle (for `require` resolution and module.parent). */
  parent: NodeJS.Module;
  /** Called with what happened, for tests and diagnostics. */
  onCache?: (event: CacheEvent) => void;
}

export type CacheEvent =
  { kind: 'used' } | { kind: 'missing' | 'stale' | 'rejected' } | { kind: 'written'; file: string; bytes: number } | { kind: 'not-written'; reason: string };

/** Where the cache for `key` of `bundle` lives; the V8 flags in effect are part of the name. */
export function cacheFile(bundle: string, key: string, execArgv: readonly string[] = process.execArgv): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(key)) throw new Error(`code cache key ${JSON.stringify(key)} is not [A-Za-z0-9_-]{1,40}`);
  return `${bundle}.${key}-${fnv1a(execArgv.join('\0'))}.v8cache`;
}

/** Identifies one file on disk: a rebuilt or replaced bundle never matches an old cache. */
function identity(fd: number): string {
  const s = fstatSync(fd);
  return `${MAGIC} ${s.size} ${s.mtimeMs} ${s.ctimeMs} ${s.ino} ${process.version}`;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

function readCache(file: string, expected: string): Buffer | 'missing' | 'stale' {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return 'missing';
  }
  const nl = data.indexOf(10);
  const header = nl < 0 ? '' : data.subarray(0, nl).toString('latin1');
  const sp = header.lastIndexOf(' ');
  if (header.slice(0, sp) !== expected) return 'stale';
  const payload = data.subarray(nl + 1);
  return sha256(payload) === header.slice(sp + 1) ? payload : 'stale';
}

/** Runs the bundle as the main program's module, with its code cache; returns the module. */
export function runWithCodeCache(o: CodeCacheOptions): NodeJS.Module {
  const file = path.resolve(o.bundle);
  const fd = openSync(file, 'r');
  let source: string;
  let ident: string;
  try {
    ident = identity(fd);
    source = readAll(fd);
  } finally {
    closeSync(fd);
  }
  const cachePath = cacheFile(file, o.key);
  const cached = readCache(cachePath, ident);
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    ...(typeof cached === 'string' ? {} : { cachedData: cached }),
  });
  const state = typeof cached === 'string' ? cached : script.cachedDataRejected ? 'rejected' : 'used';
  o.onCache?.({ kind: state });
  if (state !== 'used') {
    process.once('exit', (code) => {
      const written = writeCache(script, cachePath, ident, code);
      o.onCache?.(written);
    });
  }

  const mod = new Module(file, o.parent);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => void;
  const req = Module.createRequire(file);
  wrapper.call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  return mod;
}

function writeCache(script: vm.Script, file: string, ident: string, exitCode: number): CacheEvent {
  // A failed run may have stopped early and compiled little: wait for one that did its work.
  if (exitCode !== 0) return { kind: 'not-written', reason: `exit code ${exitCode}` };
  try {
    accessSync(path.dirname(file), constants.W_OK);
  } catch {
    return { kind: 'not-written', reason: `${path.dirname(file)} is not writable` };
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeFileSync(fd, Buffer.concat([Buffer.from(`${ident} ${sha256(data)}\n`, 'latin1'), data]));
      // On disk before it has its name: a crash must not leave a named cache with holes in it.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return { kind: 'written', file, bytes: data.length };
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    return { kind: 'not-written', reason: (err as Error).message };
  }
}

function readAll(fd: number): string {
  const size = fstatSync(fd).size;
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  const bytes = buf.subarray(0, off);
  // An ASCII bundle (esbuild escapes non-ASCII) decodes as latin1 in a fraction of UTF-8's time.
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/** 32-bit FNV-1a as 8 hex digits: names a flag set, no security role. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
