// Plain-text tables and durations for operator output.
export { table } from '../../shared/text-format';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "24h", "90m", "7d", "45s", "1h30m"; "0" means never. Returns seconds. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+)([smhd])/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`"${text}" is not a duration: use forms like 24h, 90m, 7d, 1h30m, or 0 for never`);
  }
  return parts.reduce((s, p) => s + Number(p[1]) * (UNITS[p[2] ?? 's'] ?? 1), 0);
}

export function ago(ms: number, now = Date.now()): string {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function bytes(n: number): string {
  if (!n) return '-';
  const gib = n / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)}Gi` : `${Math.round(n / 2 ** 20)}Mi`;
}
