import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ConnectionOptions } from './client/admin-client';

export const DEFAULT_DATA_DIR = '/var/lib/kk-coordinator';

export function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a port number 1-65535');
  return n;
}

export function parseCount(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

/** What withConnection's options parse to. */
export type Conn = { dataDir: string; coordinator?: string; credentials?: string };

/** The options every operator command takes to find its coordinator. */
export function withConnection(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'local coordinator data dir holding the admin credential', DEFAULT_DATA_DIR)
    .option('--coordinator <host:port>', "a remote coordinator's gRPC address")
    .option('--credentials <file>', 'admin credential file for --coordinator (admin-credentials.json from its data dir)');
}

export function connection(o: { dataDir: string; coordinator?: string; credentials?: string }): ConnectionOptions {
  return { dataDir: o.dataDir, coordinator: o.coordinator, credentials: o.credentials };
}
