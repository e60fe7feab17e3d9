// Structured logs on stderr: JSON for machines, pino-pretty when a person is watching a TTY.
// KK_LOG_LEVEL is a level, optionally followed by per-component levels for the child loggers made
// with { component }: `info,runs=debug` keeps everything at info but the run service's details.
import pino from 'pino';
import pretty from 'pino-pretty';
import { UserError } from './errors';

export type Logger = pino.Logger;

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export interface LevelSpec {
  level: string;
  components: Map<string, string>;
}

/** Parses `LEVEL[,COMPONENT=LEVEL…]`; unknown levels throw, naming the variable's text. */
export function parseLevelSpec(spec: string): LevelSpec {
  const components = new Map<string, string>();
  let level = 'info';
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const lvl = eq < 0 ? part : part.slice(eq + 1);
    if (!LEVELS.has(lvl)) throw new UserError(`KK_LOG_LEVEL ${JSON.stringify(spec)}: "${lvl}" is not a level (${[...LEVELS].join(', ')})`);
    if (eq < 0) level = lvl;
    else components.set(part.slice(0, eq), lvl);
  }
  return { level, components };
}

export function createLogger(name: string, levelSpec: string = process.env.KK_LOG_LEVEL ?? 'info'): Logger {
  const { level, components } = parseLevelSpec(levelSpec);
  const opts: pino.LoggerOptions = { name, level, base: { pid: process.pid } };
  if (components.size > 0) {
    opts.onChild = (child) => {
      const c = (child.bindings() as { component?: unknown }).component;
      const own = typeof c === 'string' ? components.get(c) : undefined;
      if (own) child.level = own;
    };
  }
  if (process.stderr.isTTY && process.env.KK_LOG_FORMAT !== 'json') {
    return pino(opts, pretty({ destination: 2, colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(opts, pino.destination({ fd: 2, sync: true }));
}
