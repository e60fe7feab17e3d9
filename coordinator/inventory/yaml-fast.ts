// A fast reader for the plain subset of YAML that inventories and configs are written in (block
// maps and lists, one-line flow collections, plain and simply-quoted scalars, comments). The full
// `yaml` parser keeps a node tree with positions and checks key uniqueness pairwise, which costs
// most of a second on a 5,000-host inventory; this reads the same file in a few milliseconds.
//
// It is strictly a shortcut: on anything outside the subset — anchors, tags, block scalars,
// multi-line scalars or flow collections, escapes, odd indentation, duplicate keys, anything it
// is not sure of — it returns NOT_HANDLED and the caller uses the full parser, which also owns
// every error message. For a document it does accept, the value equals what `yaml` (YAML 1.2
// core schema) gives; test/unit/inventory/yaml-fast.test.ts checks that differentially.
import type { Value } from '../model/cluster';

/** Returned when the text is outside the subset: parse it with the full parser. */
export const NOT_HANDLED: unique symbol = Symbol('not handled');

class Bail extends Error {}
const bail = (): never => {
  throw new Bail();
};

interface Line {
  indent: number;
  /** The line after its indentation, comment and trailing spaces kept (trimmed lazily). */
  text: string;
}

// Keys: a conservative plain form that resolves to a string in the core schema (checked below).
const KEY = /^([A-Za-z0-9_][A-Za-z0-9_.\-/]*):(?: +|$)/;
const FLOW_KEY = /([A-Za-z0-9_][A-Za-z0-9_.\-/]*): +/y;

// The core schema's plain-scalar tags, in the order `yaml` tries them (its schema/core).
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
// Cheap pre-test: a plain scalar that cannot be anything but a string skips the tag regexes.
const MAYBE_TYPED = /^[-+.~0-9nNtTfF]/;

function resolvePlain(s: string): Value {
  if (!MAYBE_TYPED.test(s)) return s === '<<' ? bail() : s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.substring(2), 16);
  if (FLOAT_NAN.test(s)) return bail();
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

/** A key must read as the same string in YAML and in the resulting object. */
function checkKey(key: string): string {
  if (key.length > 1000 || key === '__proto__' || resolvePlain(key) !== key) bail();
  return key;
}

// First characters a plain scalar may not start with here (YAML indicators; `-` handled apart).
const BAD_FIRST = new Set(['?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

/** Block-context plain scalar: the rest of the line up to a ` #` comment. */
function blockPlain(text: string): Value {
  let end = text.length;
  const hash = text.indexOf(' #');
  if (hash >= 0) end = hash;
  const s = text.slice(0, end).trimEnd();
  const first = s[0];
  if (first === undefined || BAD_FIRST.has(first)) bail();
  if (first === '-' && (s.length === 1 || s[1] === ' ')) bail();
  // `a: b` here would be a nested map (an error in a value); `a:` at the end likewise.
  if (s.includes(': ') || s.endsWith(':')) bail();
  return resolvePlain(s);
}

/** A quoted scalar starting at `pos`; returns the value and the index after the closing quote. */
function quoted(text: string, pos: number): [string, number] {
  const q = text[pos];
  if (q === '"') {
    const end = text.indexOf('"', pos + 1);
    if (end < 0) bail();
    const body = text.slice(pos + 1, end);
    if (body.includes('\\')) bail();
    return [body, end + 1];
  }
  let out = '';
  let i = pos + 1;
  for (;;) {
    const end = text.indexOf("'", i);
    if (end < 0) bail();
    out += text.slice(i, end);
    if (text[end + 1] === "'") {
      out += "'";
      i = end + 2;
      continue;
    }
    return [out, end + 1];
  }
}

/** Only spaces, optionally a comment, from `pos` to the end of the line. */
function restIsEmpty(text: string, pos: number): boolean {
  for (let i = pos; i < text.length; i++) {
    const c = text[i];
    if (c === ' ') continue;
    return c === '#' && i > pos;
  }
  return true;
}

function skipSpaces(text: string, pos: number): number {
  while (text[pos] === ' ') pos++;
  return pos;
}

const FLOW_SAFE = /[^\s,[\]{}]/;

/** A value inside `[…]` or `{…}` at `pos`: returns it and the index after it. */
function flowValue(text: string, pos: number): [Value, number] {
  const c = text[pos];
  if (c === '[') return flowSeq(text, pos);
  if (c === '{') return flowMap(text, pos);
  if (c === '"' || c === "'") return quoted(text, pos);
  let end = pos;
  for (; end < text.length; end++) {
    const ch = text[end]!;
    if (ch === ',' || ch === ']' || ch === '}') break;
    // A `:` is part of the scalar only when a safe character follows (`https://x`); otherwise it
    // makes a nested pair. That, a nested bracket or a comment: leave it to the full parser.
    if (ch === ':' && !FLOW_SAFE.test(text[end + 1] ?? ' ')) bail();
    if (ch === '[' || ch === '{' || (ch === '#' && text[end - 1] === ' ')) bail();
  }
  const s = text.slice(pos, end).trimEnd();
  const first = s[0];
  if (first === undefined || BAD_FIRST.has(first)) bail();
  if (first === '-' && (s.length === 1 || s[1] === ' ')) bail();
  return [resolvePlain(s), end];
}

function flowSeq(text: string, pos: number): [Value[], number] {
  const out: Value[] = [];
  let i = skipSpaces(text, pos + 1);
  if (text[i] === ']') return [out, i + 1];
  for (;;) {
    const [v, next] = flowValue(text, i);
    out.push(v);
    i = skipSpaces(text, next);
    if (text[i] === ']') return [out, i + 1];
    if (text[i] !== ',') bail();
    i = skipSpaces(text, i + 1);
    if (text[i] === ']' || text[i] === ',') bail();
  }
}

function flowMap(text: string, pos: number): [{ [key: string]: Value }, number] {
  const out: { [key: string]: Value } = {};
  let i = skipSpaces(text, pos + 1);
  if (text[i] === '}') return [out, i + 1];
  for (;;) {
    FLOW_KEY.lastIndex = i;
    const m = FLOW_KEY.exec(text);
    if (!m) bail();
    const key = checkKey(m![1]!);
    if (Object.prototype.hasOwnProperty.call(out, key)) bail();
    i += m![0].length;
    if (text[i] === ',' || text[i] === '}') bail();
    const [v, next] = flowValue(text, i);
    out[key] = v;
    i = skipSpaces(text, next);
    if (text[i] === '}') return [out, i + 1];
    if (text[i] !== ',') bail();
    i = skipSpaces(text, i + 1);
    if (text[i] === '}' || text[i] === ',') bail();
  }
}

/** The value written after `key: ` or `- ` on one line (no nested block may follow it). */
function inlineValue(text: string): Value {
  const c = text[0];
  if (c === '[' || c === '{') {
    const [v, end] = c === '[' ? flowSeq(text, 0) : flowMap(text, 0);
    if (!restIsEmpty(text, end)) bail();
    return v;
  }
  if (c === '"' || c === "'") {
    const [v, end] = quoted(text, 0);
    if (!restIsEmpty(text, end)) bail();
    return v;
  }
  return blockPlain(text);
}

class Reader {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.i >= this.lines.length;
  }

  private peek(): Line | undefined {
    return this.lines[this.i];
  }

  /** The block starting at the current line, whose indentation is `indent`. */
  block(indent: number): Value {
    const first = this.peek()!;
    return isSeqItem(first.text) ? this.seq(indent) : this.map(indent);
  }

  /** After `key:` or `-` with nothing on the line: a nested block, or null. */
  private nested(parentIndent: number, allowSameIndentSeq: boolean): Value {
    const next = this.peek();
    if (!next) return null;
    if (next.indent > parentIndent) return this.block(next.indent);
    // A list may sit at its key's own indentation (`hosts:\n- a`).
    if (allowSameIndentSeq && next.indent === parentIndent && isSeqItem(next.text)) return this.seq(parentIndent);
    return null;
  }

  /** After an inline value the next line must not be more indented (a continuation or an error). */
  private endOfEntry(indent: number): void {
    const next = this.peek();
    if (next && next.indent > indent) bail();
  }

  private map(indent: number): { [key: string]: Value } {
    const out: { [key: string]: Value } = {};
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent || isSeqItem(line.text)) bail();
      const m = KEY.exec(line.text);
      if (!m) bail();
      const key = checkKey(m![1]!);
      if (Object.prototype.hasOwnProperty.call(out, key)) bail();
      this.i++;
      const rest = line.text.slice(m![0].length);
      if (isBlank(rest)) {
        out[key] = this.nested(indent, true);
      } else {
        out[key] = inlineValue(rest);
        this.endOfEntry(indent);
      }
    }
    return out;
  }

  private seq(indent: number): Value[] {
    const out: Value[] = [];
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent) bail();
      if (!isSeqItem(line.text)) break;
      this.i++;
      const rest = line.text.slice(1).replace(/^ +/, '');
      if (isBlank(rest)) {
        out.push(this.nested(indent, false));
      } else {
        // `- - x` and `- key: v` (compact nesting) are left to the full parser.
        if (isSeqItem(rest)) bail();
        out.push(inlineValue(rest));
        this.endOfEntry(indent);
      }
    }
    return out;
  }
}

/** Nothing, or only a comment, after `key:` / `-` (the `#` there always followed a space). */
function isBlank(rest: string): boolean {
  return rest === '' || rest[0] === '#';
}

function isSeqItem(text: string): boolean {
  return text[0] === '-' && (text.length === 1 || text[1] === ' ');
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  let first = true;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    start = end + 1;
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    if (indent === raw.length || raw[indent] === '#') continue;
    const body = raw.slice(indent).trimEnd();
    if (indent === 0 && (body.startsWith('---') || body.startsWith('...') || body[0] === '%')) {
      // One leading `---` document start is common and harmless; anything more is not the subset.
      if (first && (body === '---' || /^--- +#/.test(body))) {
        first = false;
        continue;
      }
      bail();
    }
    first = false;
    out.push({ indent, text: body });
  }
  return out;
}

/** The document's value, or NOT_HANDLED when the text needs the full parser. */
export function fastParseYaml(text: string): Value | typeof NOT_HANDLED {
  // Tabs, carriage returns, a BOM and other control characters all have rules of their own.
  // eslint-disable-next-line no-control-regex
  if (/[\t\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/.test(text)) return NOT_HANDLED;
  try {
    const lines = splitLines(text);
    if (lines.length === 0) return NOT_HANDLED;
    const reader = new Reader(lines);
    const first = lines[0]!;
    if (isSeqItem(first.text)) return NOT_HANDLED;
    const value = reader.block(first.indent);
    if (!reader.done()) return NOT_HANDLED;
    return value;
  } catch (err) {
    if (err instanceof Bail) return NOT_HANDLED;
    throw err;
  }
}
