// A phase that has no work yet and says so in its plan and its output, so nobody mistakes an
// empty phase for a finished installation.
import type { PhaseName } from '../runs/types';
import type { Phase } from './types';

export function emptyPhase(name: PhaseName, title: string, nothingYet: string): Phase {
  const note = `${name}: nothing to do yet — ${nothingYet}`;
  return {
    name,
    title,
    shouldRun: () => true,
    plan: () => ({ phase: name, title, tasks: [], notes: [note] }),
    async run(ctx) {
      ctx.progress.note(note);
      return { ok: true, message: 'nothing to do yet' };
    },
  };
}
