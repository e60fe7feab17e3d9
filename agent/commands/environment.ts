// The environment every command process gets: a clean, complete PATH (never the agent's or a
// sudo user's), HOME, and what the command itself asks for. Nothing else leaks in from the agent.
import os from 'node:os';
import { CLEAN_PATH } from '../../shared/facts/types';

let home: string | undefined;

/** The agent's own home directory, looked up once: os.userInfo() reads the passwd database on every call. */
function agentHome(): string {
  if (home === undefined) {
    try {
      home = os.userInfo().homedir || '/root';
    } catch {
      home = '/root'; // no passwd entry for our uid
    }
  }
  return home;
}

export function commandEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: CLEAN_PATH, HOME: agentHome(), LANG: 'C.UTF-8', ...extra };
}
