// Renders values into nats-server's configuration syntax. Every string goes out double-quoted
// (quoted strings are never variable-expanded, so "$JS.API.>" stays literal) with the only two
// escapes the format defines for them, and keys are plain identifiers: nothing handed to
// renderConf can close a string, open a block or inject a directive.
export type ConfValue = string | number | boolean | ConfValue[] | ConfBlock;
export interface ConfBlock {
  [key: string]: ConfValue | undefined;
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function confString(value: string): string {
  if (CONTROL_RE.test(value)) {
    throw new Error(`refusing to put a control character into the nats-server config: ${JSON.stringify(value)}`);
  }
  if (LONE_SURROGATE_RE.test(value)) {
    throw new Error('refusing to put a malformed unicode string into the nats-server config');
  }
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function renderValue(value: ConfValue, indent: string): string {
  if (typeof value === 'string') return confString(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`nats-server config numbers must be integers, got ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + renderValue(v, inner)).join('\n')}\n${indent}]`;
  }
  return `{\n${renderEntries(value, indent + '  ')}${indent}}`;
}

function renderEntries(block: ConfBlock, indent: string): string {
  let out = '';
  for (const [key, value] of Object.entries(block)) {
    if (value === undefined) continue;
    if (!KEY_RE.test(key)) throw new Error(`invalid nats-server config key ${JSON.stringify(key)}`);
    out += `${indent}${key}: ${renderValue(value, indent)}\n`;
  }
  return out;
}

/** A whole config file (top-level entries, no enclosing braces). */
export function renderConf(block: ConfBlock, header?: string): string {
  const head = header
    ? header
        .split('\n')
        .map((l) => `# ${l}`)
        .join('\n') + '\n'
    : '';
  return head + renderEntries(block, '');
}
