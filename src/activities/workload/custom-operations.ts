/**
 * The user's own operations (`workload.custom`): each one SQL statement, run as given with its
 * parameters (fixed, or drawn for each run), chosen by its weight among them.
 */
import { randomUUID } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import type { CustomOperation, CustomParameter } from '../../shared/workload-settings';
import { inferredType } from '../../shared/sql-text';
import type { CatalogEntry } from './operation-catalog';
import { asRunner } from './statement-runner';

const between = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min + 1));

/** The value of a parameter for one run. */
export function drawParameter(p: CustomParameter): unknown {
  if (p === null || typeof p !== 'object') return p;
  if ('randomInt' in p) return between(p.randomInt[0], p.randomInt[1]);
  if ('pick' in p) return p.pick[Math.floor(Math.random() * p.pick.length)];
  return randomUUID();
}

export function customCatalog(ops: readonly CustomOperation[]): CatalogEntry[] {
  return ops.map((op) => ({
    name: op.name,
    type: op.type ?? inferredType(op.statement),
    run: async (db) => ({
      rows: await asRunner(db).countQuery(CompiledQuery.raw(op.statement, op.parameters.map(drawParameter))),
    }),
  }));
}

/** Picks an operation by its weight among them. */
export function weightedChooser(entries: CatalogEntry[], weights: number[]): () => CatalogEntry {
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let r = Math.random() * total;
    for (let i = 0; i < entries.length; i++) {
      r -= weights[i]!;
      if (r < 0) return entries[i]!;
    }
    return entries[entries.length - 1]!;
  };
}
