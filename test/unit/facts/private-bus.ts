// A real dbus-daemon (Debian package dbus-daemon) on a private Unix socket, for the D-Bus fact
// tests: listening where the agent looks for the system bus under a test's host root
// (<root>/run/dbus/system_bus_socket), with the policy of a permissive custom bus and, on request,
// real services it starts on demand (bus activation), as the system bus does.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { processAlive } from '../../../shared/process-alive';
import type { Readable } from 'node:stream';
import { connectPeer } from './bus-peer';
import path from 'node:path';

export const DBUS_DAEMON = '/usr/bin/dbus-daemon';

export interface PrivateBus {
  /** The socket the agent's client finds through its probe context's root. */
  socketPath: string;
  /** Its address for other D-Bus clients (busctl --address=…). */
  address: string;
  stop: () => Promise<void>;
}

export interface PrivateBusOptions {
  /** Only these SASL mechanisms (default EXTERNAL, as on the system bus). */
  auth?: readonly string[];
  /** Well-known name → program the bus starts when a message is sent to that name. */
  activatable?: Record<string, string>;
}

/** Why the tests cannot run here, said plainly: they must fail, never skip, without the daemon. */
export function requireProgram(file: string, debianPackage: string): void {
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: the D-Bus fact tests run against a real bus; install the Debian package ${debianPackage} (\`make setup\` does)`);
  }
}

/** SIGTERM, then SIGKILL if it is still there after a few seconds; resolves once it is gone. */
async function endProcess(pid: number): Promise<void> {
  if (!processAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Starts dbus-daemon for the host root `root`; resolves once it accepts connections. */
export async function startPrivateBus(root: string, opts: PrivateBusOptions = {}): Promise<PrivateBus> {
  requireProgram(DBUS_DAEMON, 'dbus-daemon');
  const socketPath = path.join(root, 'run/dbus/system_bus_socket');
  mkdirSync(path.dirname(socketPath), { recursive: true });
  const confDir = path.join(root, 'dbus-test');
  const servicesDir = path.join(confDir, 'services');
  mkdirSync(servicesDir, { recursive: true });
  for (const [name, exec] of Object.entries(opts.activatable ?? {})) {
    requireProgram(exec, 'systemd');
    writeFileSync(path.join(servicesDir, `${name}.service`), `[D-BUS Service]\nName=${name}\nExec=${exec}\n`);
  }
  const activatable = Object.keys(opts.activatable ?? {});
  const config = path.join(confDir, 'bus.conf');
  writeFileSync(
    config,
    [
      '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">',
      '<busconfig>',
      '  <type>custom</type>',
      `  <listen>unix:path=${xml(socketPath)}</listen>`,
      ...(opts.auth ?? ['EXTERNAL']).map((m) => `  <auth>${xml(m)}</auth>`),
      `  <servicedir>${xml(servicesDir)}</servicedir>`,
      '  <policy context="default">',
      '    <allow send_destination="*" eavesdrop="true"/>',
      '    <allow eavesdrop="true"/>',
      '    <allow own="*"/>',
      '  </policy>',
      '</busconfig>',
      '',
    ].join('\n'),
  );
  // Services it starts find this bus as their system bus (sd-bus reads DBUS_SYSTEM_BUS_ADDRESS).
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${socketPath}` };
  // The address comes on its own pipe (fd 3), which the daemon closes after writing; its stdout
  // and stderr, which the services it starts inherit, go to a file, so that no pipe to this
  // process outlives the test in a service still running.
  const logPath = path.join(confDir, 'dbus-daemon.log');
  const log = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(DBUS_DAEMON, [`--config-file=${config}`, '--nofork', '--nopidfile', '--print-address=3'], {
      env,
      stdio: ['ignore', log, log, 'pipe'],
    });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const pipe = child.stdio[3] as Readable;
    pipe.on('data', (d: Buffer) => {
      out += d.toString();
      const eol = out.indexOf('\n');
      if (eol >= 0) resolve(out.slice(0, eol).trim());
    });
    const timer = setTimeout(() => reject(new Error(`dbus-daemon printed no address within 10 s: ${readFileSync(logPath, 'utf8').trim()}`)), 10_000);
    pipe.once('data', () => clearTimeout(timer));
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`dbus-daemon exited (${signal ?? code}) before listening: ${readFileSync(logPath, 'utf8').trim()}`)));
  });
  (child.stdio[3] as Readable).destroy();
  return {
    socketPath,
    address,
    stop: async () => {
      // Services the bus started would outlive it until their idle timeout: ended first.
      if (child.exitCode === null && activatable.length > 0) {
        const peer = await connectPeer(socketPath);
        try {
          for (const name of activatable) {
            const pid = await peer.pidOf(name);
            if (pid) await endProcess(pid);
          }
        } finally {
          await peer.close();
        }
      }
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
