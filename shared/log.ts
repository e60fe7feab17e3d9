// Structured logs on stderr: JSON for machines, pino-pretty when a person is watching a TTY.
import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

export function createLogger(name: string, level: string = process.env.KK_LOG_LEVEL ?? 'info'): Logger {
  const opts: pino.LoggerOptions = { name, level, base: { pid: process.pid } };
  if (process.stderr.isTTY && process.env.KK_LOG_FORMAT !== 'json') {
    return pino(opts, pretty({ destination: 2, colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(opts, pino.destination({ fd: 2, sync: true }));
}
