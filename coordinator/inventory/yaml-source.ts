// A YAML file's value, and positions so a finding about a key path can say file:line:col.
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Value } from '../model/cluster';
import type { PathSeg } from '../config/schema';
import { fastParseYaml, NOT_HANDLED } from './yaml-fast';

/** `spec.groups.etcd.hosts[2]`; keys that would read ambiguously are quoted: `extra_args["a.b"]`. */
export function formatPath(path: readonly PathSeg[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function keyText(pair: Pair): string | null {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return null;
}

/** Plain data from the YAML library's output; anything exotic becomes its string form. */
function toValue(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  if (Array.isArray(x)) return x.map(toValue);
  if (x instanceof Map) return Object.fromEntries([...x.entries()].map(([k, v]) => [String(k), toValue(v)]));
  if (typeof x === 'object' && !(x instanceof Date)) {
    return Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, toValue(v)]));
  }
  return String(x);
}

/** The parser notices an unclosed quote only at the end; point at the line that opened it. */
function openedAt(text: string, code: string, offset: number): string {
  if (code !== 'MISSING_CHAR') return '';
  const lines = text.slice(0, offset).split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] ?? '';
    const dq = (l.match(/(?<!\\)"/g) ?? []).length;
    const sq = (l.match(/'/g) ?? []).length;
    if (dq % 2 === 1 || sq % 2 === 1) return ` (the quote opened at line ${i + 1} is never closed)`;
  }
  return '';
}

interface Parsed {
  doc: Document | null;
  lines: LineCounter;
}

function parseFull(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: true });
  return { doc, lines };
}

export class YamlSource {
  private constructor(
    /** The path as the user gave it: messages echo what they typed. */
    readonly file: string,
    /** Kept so positions can be computed later; null when the file could not be read. */
    private readonly text: string | null,
    /** The value read by the fast path, or NOT_HANDLED when the full parse below holds it. */
    private readonly fast: Value | typeof NOT_HANDLED,
    /** The full parse with positions: made up front when the fast path declined, else on first need. */
    private parsed: Parsed | null,
    /** Syntax errors, already formatted `file:line:col message`. */
    readonly syntaxErrors: string[],
  ) {}

  /** Reads and parses; an unreadable file or bad YAML is reported through `syntaxErrors`. */
  static read(file: string): YamlSource {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? String(err)})`;
      return new YamlSource(file, null, NOT_HANDLED, { doc: null, lines: new LineCounter() }, [`${file}: ${why}`]);
    }
    return YamlSource.parse(file, text);
  }

  static parse(file: string, text: string): YamlSource {
    // Most files are plain YAML the fast reader takes whole; positions (only wanted for a finding)
    // then come from a full parse made on demand.
    const fast = fastParseYaml(text);
    if (fast !== NOT_HANDLED) return new YamlSource(file, text, fast, null, []);
    const parsed = parseFull(text);
    const { doc, lines } = parsed;
    const errors = doc.errors.map((e) => {
      const { line, col } = lines.linePos(e.pos[0]);
      const msg = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+.*$/, '');
      return `${file}:${line}:${col} YAML syntax error: ${msg}${openedAt(text, e.code, e.pos[0])}`;
    });
    return new YamlSource(file, text, NOT_HANDLED, parsed, errors);
  }

  private full(): Parsed {
    this.parsed ??= parseFull(this.text ?? '');
    return this.parsed;
  }

  /** The whole document as plain data (null for an empty file). */
  toValue(): Value {
    if (this.fast !== NOT_HANDLED) return this.fast;
    const { doc } = this.full();
    if (!doc || this.syntaxErrors.length > 0) return null;
    return toValue(doc.toJS({ maxAliasCount: 1000 }));
  }

  /**
   * Line and column of the node at `path`: the key for `at: 'key'`, the value otherwise, a list
   * item's own position. Falls back to the deepest existing ancestor when the path runs out
   * (e.g. a value that came in through a merge key); 1:1 for the document itself.
   */
  position(path: readonly PathSeg[], at: 'key' | 'value' = 'key'): { line: number; col: number } {
    const { doc, lines } = this.full();
    let node: unknown = doc?.contents ?? null;
    let offset: number | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p) === String(seg));
        if (!pair) break;
        const keyNode = pair.key as Node | null;
        const valNode = pair.value as Node | null;
        offset = at === 'key' || !valNode?.range ? (keyNode?.range?.[0] ?? offset) : valNode.range[0];
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        offset = isPair(item) ? offset : (item.range?.[0] ?? offset);
        node = item;
      } else {
        break;
      }
    }
    return offset === undefined ? { line: 1, col: 1 } : lines.linePos(offset);
  }

  /** `file:line:col` of the node at `path`. */
  where(path: readonly PathSeg[], at: 'key' | 'value' = 'key'): string {
    const { line, col } = this.position(path, at);
    return `${this.file}:${line}:${col}`;
  }

  /** A finding about `path`, formatted the way every load error reads. */
  message(path: readonly PathSeg[], text: string, at: 'key' | 'value' = 'key'): string {
    const where = this.where(path, at);
    return path.length === 0 ? `${where} ${text}` : `${where} ${formatPath(path)}: ${text}`;
  }
}
