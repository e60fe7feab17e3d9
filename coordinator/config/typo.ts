// "Did you mean …" for keys: optimal-string-alignment distance (a swap of two adjacent letters
// counts as one edit, the commonest typo), case-insensitive.

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      row[j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known key `key` most likely mistypes, or null. Up to 2 edits; keys of 4 characters or fewer
 * allow only 1, otherwise short keys (`ip`, `tag`) would "match" unrelated user keys.
 */
export function closestKey(key: string, known: readonly string[]): string | null {
  const k = key.toLowerCase();
  let best: string | null = null;
  let bestDist = Infinity;
  for (const candidate of known) {
    if (candidate === key) return null;
    const dist = editDistance(k, candidate.toLowerCase());
    const limit = Math.min(key.length, candidate.length) <= 4 ? 1 : 2;
    if (dist <= limit && dist < bestDist) {
      best = candidate;
      bestDist = dist;
    }
  }
  return best;
}
