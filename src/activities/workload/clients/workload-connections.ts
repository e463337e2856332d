/**
 * How a run's workers reach the database, as `settings.client` says (resolved once for the whole
 * path, workload-settings.ts; never chosen here). `dedicated`: each worker keeps its own connection
 * (worker-connection.ts), the same connections a pool would hold, without a checkout and a release
 * around every operation. `pool`: the workers share a pool of `poolSize`, and wait for a connection
 * as a real service's would.
 */
import { Kysely, PostgresDialect } from 'kysely';
import type { BusinessDatabase } from '../../../platform/database/business-database';
import { EvictingPool } from '../../../platform/database/evicting-pool';
import { poolConfigFor } from '../../../platform/database/open-database';
import type { WorkloadClient, WorkloadSettings } from '../../../shared/workload-settings';
import { kyselyRunner, type StatementRunner } from './statement-runner';
import { WorkerConnection } from './worker-connection';

export interface WorkloadConnections {
  /** What the workers measure with. */
  readonly client: WorkloadClient;
  /** The most connections open at once: one per worker, or the pool's size. */
  readonly connections: number;
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
  if (settings.client === 'dedicated') {
    const own = Array.from({ length: settings.concurrentWorkers }, () => new WorkerConnection(config));
    return {
      client: 'dedicated',
      connections: own.length,
      runnerFor: (worker) => own[worker]!,
      terminate: () => own.forEach((c) => c.terminate()),
      close: async () => void (await Promise.all(own.map((c) => c.close()))),
    };
  }
  const pool = new EvictingPool({ ...config, max: settings.poolSize, idleTimeoutMillis: _idle });
  const db = new Kysely<BusinessDatabase>({ dialect: new PostgresDialect({ pool }) });
  const shared = kyselyRunner(db);
  return {
    client: 'pool',
    connections: settings.poolSize,
    runnerFor: () => shared,
    terminate: () => pool.terminate(),
    close: () => db.destroy().catch(() => undefined),
  };
}

/**
 * What the client does when a connection breaks, in a sentence for the report: a worker's own
 * connection as worker-connection.ts drops and reopens it, the pool's as evicting-pool.ts evicts it.
 */
export function reconnectPolicy(
  client: WorkloadClient,
  s: Pick<WorkloadSettings, 'poolSize' | 'connectTimeoutMs' | 'tcpConnectTimeoutMs' | 'statementTimeoutMs'>,
): string {
  const broken = `a connection that breaks (socket error, server shutdown, a statement outstanding past ${s.statementTimeoutMs} ms)`;
  const connect = `must connect within ${s.connectTimeoutMs} ms, its TCP handshake within ${s.tcpConnectTimeoutMs} ms, or the operation fails`;
  const after = 'no retry and no backoff: the next operation, after think time, tries again';
  return client === 'dedicated'
    ? `Each worker keeps its own connection; ${broken} is dropped at once, and the worker's next operation opens a new one, which ${connect}; ${after}.`
    : `The workers share a pool of up to ${s.poolSize} connections, opened on demand; ${broken} is destroyed when its operation releases it; an operation waits at most ${s.connectTimeoutMs} ms for a free connection or a new one (its TCP handshake within ${s.tcpConnectTimeoutMs} ms), or fails; ${after}.`;
}
