// Version reading shared by the rules: semver after dropping a leading `v`, missing minor/patch
// filled with 0, so `3.4.13` ≥ `3.4.13-4` (a release is newer than its pre-release).
import semver from 'semver';
import type { SemVer } from 'semver';
import { memoize } from './memo';

const LOOSE = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const parseVersion = memoize((raw: string): SemVer | null => {
  const m = LOOSE.exec(raw.trim().replace(/^v/i, ''));
  if (!m) return null;
  return semver.parse(`${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}${m[4] ?? ''}${m[5] ?? ''}`);
});

/** `a` ≥ `b`; throws when either is not a version (callers check with parseVersion first). */
export function atLeast(a: SemVer, b: SemVer): boolean {
  return semver.gte(a, b);
}

/** The kernel release as x.y.z: the text before the first `-`, missing parts 0 (`5.4` → 5.4.0). */
export const parseKernel = memoize((raw: string): SemVer | null => {
  const head = raw.trim().split('-')[0] ?? '';
  const parts = head.split('.').slice(0, 3);
  const nums: number[] = [];
  for (const p of parts) {
    const m = /^\d+/.exec(p);
    if (!m) return null;
    nums.push(Number(m[0]));
  }
  while (nums.length < 3) nums.push(0);
  return semver.parse(nums.join('.'));
});

/** `vX.Y` of a version, the key form KubeKey's compatibility tables use. */
export function minorKey(v: SemVer): string {
  return `v${v.major}.${v.minor}`;
}

/** The same version without a leading `v`, for comparing against what a binary prints. */
export function bare(raw: string): string {
  return raw.trim().replace(/^v/i, '');
}
