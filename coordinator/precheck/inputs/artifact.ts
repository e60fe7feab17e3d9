// artifact.file's input: whether the offline bundle exists on the coordinator and its digests.
import { createReadStream, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ArtifactInfo } from '../rule';

export async function inspectArtifact(file: string, workDir: string): Promise<ArtifactInfo> {
  const full = path.resolve(workDir, file);
  try {
    if (!statSync(full).isFile()) return { exists: false, error: `${full} is not a regular file` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { exists: false } : { exists: false, error: `cannot inspect ${full}: ${code ?? String(err)}` };
  }
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  try {
    for await (const chunk of createReadStream(full)) {
      md5.update(chunk as Buffer);
      sha256.update(chunk as Buffer);
    }
  } catch (err) {
    return { exists: true, error: `cannot read ${full}: ${(err as Error).message}` };
  }
  return { exists: true, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}
