// The environment every command process gets: a clean, complete PATH (never the agent's or a
// sudo user's), HOME, and what the command itself asks for. Nothing else leaks in from the agent.
import os from 'node:os';
import { CLEAN_PATH } from '../../shared/facts/types';

export function commandEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  let home = '/root';
  try {
    home = os.userInfo().homedir || home;
  } catch {
    // no passwd entry for our uid: keep /root
  }
  return { PATH: CLEAN_PATH, HOME: home, LANG: 'C.UTF-8', ...extra };
}
