/**
 * The user's own operations (`workload.custom`): each one SQL statement, run as given with its
 * parameters (fixed, or drawn for each run); the engine chooses them by their weights. A worker
 * whose FAULTLINE_CUSTOM_SQL does not allow them on the connection refuses to build them. A read
 * (declared or inferred) runs in a READ ONLY transaction; every statement goes out with the extended
 * protocol (one statement by construction: a second one hidden in the text is a syntax error).
 */
import { randomUUID } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import type { CustomOperation, CustomParameter } from '../../../shared/workload-settings';
import { inferredType } from '../../../shared/sql-text';
import type { CatalogEntry } from './operation-catalog';
import { between, pick } from './random-draws';
import { asRunner } from '../clients/statement-runner';
import { assertCustomSqlAllowed } from '../../../platform/custom-sql-policy';

/** The value of a parameter for one run. */
export function drawParameter(p: CustomParameter): unknown {
  if (p === null || typeof p !== 'object') return p;
  if ('randomInt' in p) return between(p.randomInt[0], p.randomInt[1]);
  if ('pick' in p) return pick(p.pick);
  return randomUUID();
}

/** The operations the engine runs on `connection`; throws `CustomSqlRefused` when the worker forbids them there. */
export function customCatalog(ops: readonly CustomOperation[], connection: string): CatalogEntry[] {
  assertCustomSqlAllowed(connection);
  return ops.map((op) => {
    const type = op.type ?? inferredType(op.statement);
    return {
      name: op.name,
      type,
      run: async (db) => {
        const query = CompiledQuery.raw(op.statement, op.parameters.map(drawParameter));
        const runner = asRunner(db);
        // A read runs READ ONLY: a "read" that writes fails instead of writing.
        return { rows: await (type === 'read' ? runner.countReadOnly(query) : runner.countQuery(query)) };
      },
    };
  });
}
