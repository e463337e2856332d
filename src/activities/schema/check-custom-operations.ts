/**
 * Before anything is injected, each custom operation (`workload.custom`) is planned on the path's
 * database: `EXPLAIN` with its parameters drawn once, in a transaction rolled back (EXPLAIN without
 * ANALYZE runs nothing). A missing table, a typo or a parameter of the wrong type fails here, with
 * the field named, instead of as the measured workload's errors. A worker whose FAULTLINE_CUSTOM_SQL
 * does not allow them on this connection refuses first (`CustomSqlRefused`), before connecting.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { CustomOperation } from '../../shared/workload-settings';
import { withClient } from '../../platform/database/with-client';
import { assertCustomSqlAllowed } from '../../platform/custom-sql-policy';
import { drawParameter } from '../workload/operations/custom-operations';
import { extendedQuery } from '../../platform/database/extended-query';

export interface CustomOperationsCheck {
  connection: string;
  /** The operations planned, by name. */
  planned: string[];
}

export async function checkCustomOperations(
  connection: string,
  operations: CustomOperation[],
): Promise<CustomOperationsCheck> {
  assertCustomSqlAllowed(connection);
  return await withClient(connection, { statementTimeoutMs: 30_000 }, async (client) => {
    const problems: string[] = [];
    for (const [i, op] of operations.entries()) {
      await client.query('BEGIN');
      try {
        // The extended protocol: EXPLAIN of one statement, never a second one hidden in its text.
        await client.query(extendedQuery(`EXPLAIN ${op.statement}`, op.parameters.map(drawParameter)));
      } catch (err) {
        problems.push(`workload.custom[${i}] (${op.name}).statement: ${(err as Error).message}`);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
      }
    }
    if (problems.length)
      throw ApplicationFailure.nonRetryable(
        `custom operations do not run on ${connection}: ${problems.join('; ')}`,
        'InvalidCustomOperation',
      );
    return { connection, planned: operations.map((o) => o.name) };
  });
}
