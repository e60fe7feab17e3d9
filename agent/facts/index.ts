// Placeholder until the fact collectors land: see the facts helper's work.
import type { FactSet } from '../../shared/facts/types';

export interface CollectOptions { fioDirectory?: string }

export async function collectFacts(_opts: CollectOptions = {}): Promise<FactSet> {
  throw new Error('fact collection is not implemented yet');
}
