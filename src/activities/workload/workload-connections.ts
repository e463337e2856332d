/**
 * How a run's workers reach the database. When the pool has a connection for every worker, each
 * worker keeps its own (worker-connection.ts): the same connections a pool would hold, without a
 * checkout and a release around every operation. With fewer connections than workers, the workers
 * share a pool as the settings ask, and wait for a connection as a real service's would.
 */
import { Kysely, PostgresDialect } from 'kysely';
import type { BusinessDatabase } from '../../platform/database/business-database';
import { EvictingPool } from '../../platform/database/evicting-pool';
import { poolConfigFor } from '../../platform/database/open-database';
import type { WorkloadSettings } from '../../shared/workload-settings';
import { kyselyRunner, type StatementRunner } from './statement-runner';
import { WorkerConnection } from './worker-connection';

export interface WorkloadConnections {
  /** Worker `i`'s way to the database. */
  runnerFor(worker: number): StatementRunner;
  /** Cuts every connection with a query in flight: those queries fail at once. */
  terminate(): void;
  close(): Promise<void>;
}

export function openWorkloadConnections(
  connection: string,
  settings: WorkloadSettings,
  applicationName: string,
): WorkloadConnections {
  const {
    max: _max,
    idleTimeoutMillis: _idle,
    ...config
  } = poolConfigFor(connection, {
    poolSize: settings.poolSize,
    connectTimeoutMs: settings.connectTimeoutMs,
    tcpConnectTimeoutMs: settings.tcpConnectTimeoutMs,
    statementTimeoutMs: settings.statementTimeoutMs,
    rawTimestamps: true,
    applicationName,
  });
  if (settings.poolSize >= settings.concurrentWorkers) {
    const own = Array.from({ length: settings.concurrentWorkers }, () => new WorkerConnection(config));
    return {
      runnerFor: (worker) => own[worker]!,
      terminate: () => own.forEach((c) => c.terminate()),
      close: async () => void (await Promise.all(own.map((c) => c.close()))),
    };
  }
  const pool = new EvictingPool({ ...config, max: settings.poolSize, idleTimeoutMillis: _idle });
  const db = new Kysely<BusinessDatabase>({ dialect: new PostgresDialect({ pool }) });
  const shared = kyselyRunner(db);
  return {
    runnerFor: () => shared,
    terminate: () => pool.terminate(),
    close: () => db.destroy().catch(() => undefined),
  };
}
