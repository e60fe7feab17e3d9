// Parsing a command's JSON output, with failures that say which command printed what.
import { ProbeFailure } from './probe';

export function parseCommandJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const shown = text.trim().slice(0, 80);
    throw new ProbeFailure(`${what} printed no valid JSON${shown ? `: ${JSON.stringify(shown)}` : ' (empty output)'}`);
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON number, or a decimal string (older util-linux prints numbers as strings). */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}
