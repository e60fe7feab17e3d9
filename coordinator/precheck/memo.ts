// A bounded string-keyed memo for pure parsers called once per host (versions, addresses): a
// 5,000-node evaluation parses the same few hundred strings over and over.
export function memoize<T>(fn: (s: string) => T, max = 50_000): (s: string) => T {
  const cache = new Map<string, T>();
  return (s: string): T => {
    const hit = cache.get(s);
    if (hit !== undefined || cache.has(s)) return hit as T;
    if (cache.size >= max) cache.clear();
    const v = fn(s);
    cache.set(s, v);
    return v;
  };
}
