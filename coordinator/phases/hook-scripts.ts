// Finds the operator's hook scripts on the coordinator (hooks.md): the global script, one per
// group, one per host, under scripts_dir. This is the only part of the hook phases that touches
// the disk; planning from what it returns is pure.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors';
import { getString } from '../inventory/index';
import { configuredWorkDir } from '../model/work-dir';
import type { Vars } from '../model/cluster';

export type HookKind = 'pre' | 'post';

export interface HookScript {
  /** Where it was read from, for messages and --dry-run. */
  source: string;
  content: string;
}

export interface HookScripts {
  scriptsDir: string;
  global: HookScript | null;
  /** Group name → its script, for groups that have one. */
  groups: Map<string, HookScript>;
  /** Inventory host name → its script. */
  hosts: Map<string, HookScript>;
}

/**
 * `scripts_dir`, resolved per hooks.md: the config key when set, else `<work_dir>/scripts`, where
 * a work_dir nobody set is the directory the command runs in (model/work-dir.ts keeps that rule).
 */
export function resolveScriptsDir(vars: Vars, cwd: string): string {
  const workDir = getString(vars, 'work_dir') ?? '';
  const scriptsDir = getString(vars, 'scripts_dir') ?? '';
  if (scriptsDir !== '' && scriptsDir !== `${workDir}/scripts`) return path.resolve(cwd, scriptsDir);
  const operatorWorkDir = configuredWorkDir(vars);
  if (operatorWorkDir !== undefined) return path.resolve(cwd, operatorWorkDir, 'scripts');
  return path.resolve(cwd, 'scripts');
}

function readScript(file: string): HookScript | null {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw new UserError(`cannot read hook script ${file}: ${(err as Error).message}`);
  }
  if (!st.isFile()) throw new UserError(`hook script ${file} is not a regular file`);
  try {
    return { source: file, content: readFileSync(file, 'utf8') };
  } catch (err) {
    throw new UserError(`cannot read hook script ${file}: ${(err as Error).message}`);
  }
}

/** Reads the scripts that exist for the given groups and hosts (missing ones are simply absent). */
export function readHookScripts(scriptsDir: string, kind: HookKind, groups: readonly string[], hosts: readonly string[]): HookScripts {
  const base = `${kind}_install`;
  const out: HookScripts = { scriptsDir, global: readScript(path.join(scriptsDir, `${base}.sh`)), groups: new Map(), hosts: new Map() };
  for (const g of groups) {
    const s = readScript(path.join(scriptsDir, g, `${base}.sh`));
    if (s) out.groups.set(g, s);
  }
  for (const h of hosts) {
    const s = readScript(path.join(scriptsDir, `${base}_${h}.sh`));
    if (s) out.hosts.set(h, s);
  }
  return out;
}
