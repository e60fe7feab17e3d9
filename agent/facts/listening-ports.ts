// listeningPorts: TCP sockets in LISTEN and unconnected UDP sockets (what `ss -ltun` shows), from
// /proc/net/{tcp,tcp6,udp,udp6}, each tied to its process by finding its socket inode among
// /proc/*/fd. Reading /proc directly needs no ss (absent from some minimal images) and no parsing
// of ss's address formats.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { endianness } from 'node:os';
import ipaddr from 'ipaddr.js';
import type { ListeningPort } from '../../shared/facts/types';
import { ProbeFailure, hostPath, readOptionalHostFile, type ProbeContext } from './probe';

export interface ProcNetSocket {
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
  inode: number;
}

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07'; // TCP_CLOSE: a bound, unconnected datagram socket

/** Parses one /proc/net/{tcp,udp}[6] table, keeping the sockets that wait for peers. */
export function parseProcNetSockets(
  text: string,
  protocol: 'tcp' | 'udp',
  source = `/proc/net/${protocol}`,
  order: 'LE' | 'BE' = endianness(),
): ProcNetSocket[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0 || !/^\s*sl\s+local_address/.test(lines[0]!)) {
    throw new ProbeFailure(`${source}: not a socket table (header missing)`);
  }
  const wanted = protocol === 'tcp' ? TCP_LISTEN : UDP_UNCONNECTED;
  const out: ProcNetSocket[] = [];
  for (const line of lines.slice(1)) {
    const cols = line.trim().split(/\s+/);
    const [local, , state] = cols.slice(1, 4);
    const inode = cols[9];
    const m = local && /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(local);
    if (!m || !state || !inode || !/^\d+$/.test(inode)) throw new ProbeFailure(`${source}: cannot read line ${JSON.stringify(line.trim())}`);
    if (state.toUpperCase() !== wanted) continue;
    out.push({ protocol, address: decodeAddress(m[1]!, order), port: parseInt(m[2]!, 16), inode: Number(inode) });
  }
  return out;
}

// The kernel prints each 32-bit word of the address with %08X in host byte order.
function decodeAddress(hex: string, order: 'LE' | 'BE'): string {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = [0, 2, 4, 6].map((i) => parseInt(hex.slice(w + i, w + i + 2), 16));
    bytes.push(...(order === 'LE' ? word.reverse() : word));
  }
  if (bytes.length === 4) return bytes.join('.');
  return formatV6(ipaddr.fromByteArray(bytes) as ipaddr.IPv6);
}

/** RFC 5952 text, IPv4-mapped addresses as ::ffff:a.b.c.d: one form whichever source read it. */
function formatV6(v6: ipaddr.IPv6): string {
  return v6.isIPv4MappedAddress() ? `::ffff:${v6.toIPv4Address().toString()}` : v6.toRFC5952String();
}

/** Sockets → ports, naming the process that owns each inode; duplicates (SO_REUSEPORT) merge. */
export function toListeningPorts(sockets: ProcNetSocket[], owners: ReadonlyMap<number, string>): ListeningPort[] {
  const seen = new Map<string, ListeningPort>();
  for (const s of sockets) {
    const key = `${s.protocol} ${s.address} ${s.port}`;
    const process = owners.get(s.inode) ?? null;
    const known = seen.get(key);
    if (!known) seen.set(key, { protocol: s.protocol, address: s.address, port: s.port, process });
    else if (known.process === null) known.process = process;
  }
  return [...seen.values()].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port || a.address.localeCompare(b.address));
}

const SOCKET_LINK = /^socket:\[(\d+)\]$/;
const PIDS_PER_SLICE = 16;

/**
 * inode → process name (/proc/PID/comm) for the given socket inodes. Processes that exit during
 * the scan, or whose fds are not readable, are skipped: their sockets keep `process: null`.
 * The scan is synchronous in slices of a few processes, yielding in between: thousands of tiny
 * readlinks cost several times more time and memory as threadpool promises than as plain calls,
 * and the slices keep the event loop responsive on nodes with many processes.
 */
export async function findSocketOwners(ctx: ProbeContext, inodes: ReadonlySet<number>): Promise<Map<number, string>> {
  const owners = new Map<number, string>();
  if (inodes.size === 0) return owners;
  const procDir = hostPath(ctx, '/proc');
  const pids = readdirSync(procDir).filter((n) => /^\d+$/.test(n));
  for (let i = 0; i < pids.length && owners.size < inodes.size; i++) {
    if (i > 0 && i % PIDS_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    const pid = pids[i]!;
    let fds: string[];
    try {
      fds = readdirSync(`${procDir}/${pid}/fd`);
    } catch {
      continue; // exited, or a kernel thread we may not look into
    }
    const found: number[] = [];
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`${procDir}/${pid}/fd/${fd}`);
      } catch {
        continue; // the fd closed meanwhile
      }
      const m = SOCKET_LINK.exec(target);
      if (m && inodes.has(Number(m[1])) && !owners.has(Number(m[1]))) found.push(Number(m[1]));
    }
    if (found.length === 0) continue;
    let comm: string;
    try {
      comm = readFileSync(`${procDir}/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    for (const inode of found) owners.set(inode, comm);
  }
  return owners;
}

const TABLES = [
  ['tcp', '/proc/net/tcp'],
  ['tcp', '/proc/net/tcp6'],
  ['udp', '/proc/net/udp'],
  ['udp', '/proc/net/udp6'],
] as const;

/**
 * Sockets from `ss -H -l -n -t -u -e`. The kernel answers ss over netlink from its table of
 * listening sockets alone, where reading /proc/net/{tcp,udp}[6] walks every connection bucket of
 * the host (262,144 of them on a 24 GB machine: ~7 ms of kernel time per fact refresh). ss writes
 * `*` for an IPv6 socket that also takes IPv4 (v6only off), which /proc lists as `::`; a scope
 * (`%lo`) is dropped, as /proc has none.
 */
export function parseSsListening(text: string): ProcNetSocket[] {
  const out: ProcNetSocket[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const cols = line.trim().split(/\s+/);
    const [netid, state, , , local] = cols;
    const inode = /(?:^|\s)ino:(\d+)(?:\s|$)/.exec(line)?.[1];
    const sep = local?.lastIndexOf(':') ?? -1;
    const port = local ? Number(local.slice(sep + 1)) : NaN;
    if ((netid !== 'tcp' && netid !== 'udp') || !local || sep <= 0 || !Number.isInteger(port) || port < 0 || port > 65535 || inode === undefined) {
      throw new ProbeFailure(`\`ss -l\`: cannot read line ${JSON.stringify(line.trim().slice(0, 160))}`);
    }
    if (netid === 'tcp' ? state !== 'LISTEN' : state !== 'UNCONN') continue;
    const host = local
      .slice(0, sep)
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/%[^%]*$/, '');
    let address: string;
    if (host === '*') address = '::';
    else if (ipaddr.IPv4.isValidFourPartDecimal(host)) address = host;
    else if (ipaddr.IPv6.isValid(host)) address = formatV6(ipaddr.IPv6.parse(host));
    else throw new ProbeFailure(`\`ss -l\`: cannot read the address in ${JSON.stringify(line.trim().slice(0, 160))}`);
    out.push({ protocol: netid, address, port, inode: Number(inode) });
  }
  return out;
}

export async function readListeningPorts(ctx: ProbeContext): Promise<ListeningPort[]> {
  let sockets: ProcNetSocket[] | undefined;
  try {
    sockets = parseSsListening(await ctx.run('ss', ['-H', '-l', '-n', '-t', '-u', '-e']));
  } catch {
    // No ss (a minimal image), or output this reader does not know: the kernel's tables say the same.
  }
  sockets ??= await readProcNetTables(ctx);
  const owners = await findSocketOwners(ctx, new Set(sockets.map((s) => s.inode)));
  return toListeningPorts(sockets, owners);
}

async function readProcNetTables(ctx: ProbeContext): Promise<ProcNetSocket[]> {
  const tables = await Promise.all(
    TABLES.map(async ([protocol, file]) => {
      // The *6 tables are absent when IPv6 is disabled: no IPv6 sockets, not a failure.
      const text = await readOptionalHostFile(ctx, file);
      if (text === null && !file.endsWith('6')) throw new ProbeFailure(`${file}: no such file or directory`);
      return text === null ? [] : parseProcNetSockets(text, protocol, file);
    }),
  );
  return tables.flat();
}
