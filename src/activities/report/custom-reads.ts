/**
 * How a run's custom reads ran (custom-operations.ts): each in a READ ONLY transaction, in one round
 * trip on a dedicated connection (pipelined under one Sync), in three on a pg pool; every statement
 * with the extended protocol. The report says so beside the measuring client: a pool's reads carry
 * two more round trips in their latency.
 */
import type { WorkloadClient, WorkloadSettings } from '../../shared/workload-settings';
import { inferredType } from '../../shared/sql-text';

const ROUND_TRIPS: Record<WorkloadClient | 'mixed', string> = {
  dedicated: 'one round trip each (BEGIN READ ONLY, the statement and COMMIT under one Sync)',
  pool: 'three round trips each (BEGIN READ ONLY, the statement, COMMIT), counted in their latency',
  mixed: 'one round trip each on a dedicated shard, three on a pool shard',
};

/** "READ ONLY transaction, one round trip each (...); ...", or undefined without custom reads. */
export function customReadsText(
  w: Pick<WorkloadSettings, 'custom'>,
  client: WorkloadClient | 'mixed',
): string | undefined {
  const reads = (w.custom ?? []).filter((op) => (op.type ?? inferredType(op.statement)) === 'read');
  if (!reads.length) return undefined;
  return `a READ ONLY transaction, ${ROUND_TRIPS[client]}; every statement with the extended protocol`;
}
