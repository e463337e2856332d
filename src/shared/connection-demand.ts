/**
 * How many connections an experiment opens, on which named connection, and when: each term names
 * the definition's field that drives it. Faultline's connections are not all open at once: the
 * steady-state check before runs alone; the workload (and background pgbench) measure from the
 * warmup to the end, beside the fault's probe during the inject and the restore, and beside the
 * steady-state checks while recovering and after; the payment audit runs once the workload stopped.
 * connection-budget.ts sums these moments per server and takes the largest. Pure.
 */
import type { ExperimentDefinition } from './experiment-schema';
import { PAYMENT_SERVICE_POOL_SIZE } from './payment-settings';
import { shardSettings, writesAudited, type WorkloadSettings } from './workload-settings';
import { checkLogins } from './fault-kind-facts';

/** The moments of an experiment whose connections are open together, in order. */
export const BUDGET_MOMENTS = ['steady-state-before', 'inject-restore', 'beside-workload', 'audit'] as const;
export type BudgetMoment = (typeof BUDGET_MOMENTS)[number];

export const MOMENT_TEXT: Record<BudgetMoment, string> = {
  'steady-state-before': 'the steady-state check before',
  'inject-restore': 'the inject and the restore',
  'beside-workload': 'the steady-state checks beside the workload (recovery, after)',
  audit: 'the payment audit',
};

/**
 * The tight probe's logins that have reached a server, per path, at most (tight-probe.ts launches
 * no attempt while this many are outstanding; those not yet connected give up within the stall
 * threshold).
 */
export const PROBE_CONNECTED_LOGINS = 6;

/** Connections some part of faultline opens on one named connection, during some moments. */
export interface DemandTerm {
  connection: string;
  moments: BudgetMoment[];
  connections: number;
  /** The field (or part of faultline) and its value, e.g. `workload.concurrentWorkers 200 on direct`. */
  what: string;
}

export type DemandInput = Pick<ExperimentDefinition, 'paths' | 'workload' | 'payments' | 'fault'> & {
  /** The payment service's named connection (its FAULTLINE_SERVICE_CONNECTION), with payments. */
  serviceConnection?: string;
};

/** The most connections one run of the engine holds: one per worker, or its pool. */
const engineConnections = (w: Pick<WorkloadSettings, 'client' | 'concurrentWorkers' | 'poolSize'>): number =>
  w.client === 'dedicated' ? w.concurrentWorkers : w.poolSize;

/** A path's workload, its shards' connections added up (each shard has its share, a pool at least 1). */
export function workloadTerm(w: WorkloadSettings, connection: string, moments: BudgetMoment[]): DemandTerm {
  const connections = Array.from({ length: w.shards }, (_, i) => shardSettings(w, i, w.shards))
    .map(engineConnections)
    .reduce((a, b) => a + b, 0);
  const field =
    w.client === 'dedicated'
      ? `workload.concurrentWorkers ${w.concurrentWorkers} (workload.client dedicated)`
      : `workload.poolSize ${w.poolSize} (workload.client pool)`;
  const shards = w.shards > 1 ? ` over workload.shards ${w.shards}` : '';
  const atLeastOne = connections !== engineConnections(w) ? `, at least 1 each = ${connections}` : '';
  return { connection, moments, connections, what: `${field}${shards}${atLeastOne} on ${connection}` };
}

/** What each path's measurement, checks and probe open. */
function pathTerms(d: DemandInput, path: string): DemandTerm[] {
  const w = d.workload;
  const measuring: BudgetMoment[] = d.fault ? ['inject-restore', 'beside-workload'] : ['beside-workload'];
  const field = w.client === 'dedicated' ? 'concurrentWorkers' : 'poolSize';
  const terms: DemandTerm[] = [
    workloadTerm(w, path, measuring),
    {
      connection: path,
      moments: ['steady-state-before', 'beside-workload'],
      connections: engineConnections(w),
      what: `the steady-state check's workload.${field} ${engineConnections(w)} on ${path}`,
    },
  ];
  if (w.pgbench.enabled)
    terms.push({
      connection: path,
      moments: measuring,
      connections: w.pgbench.clients,
      what: `workload.pgbench.clients ${w.pgbench.clients} on ${path}`,
    });
  if (d.fault) {
    const checks = checkLogins(d.fault);
    terms.push({
      connection: path,
      moments: ['inject-restore'],
      connections: PROBE_CONNECTED_LOGINS + (checks?.count ?? 0),
      what: `the probe's logins ${PROBE_CONNECTED_LOGINS}${checks ? ` + ${checks.what}` : ''} on ${path}`,
    });
  }
  return terms;
}

/** Every connection the experiment opens, by named connection and moment. */
export function connectionDemand(d: DemandInput): DemandTerm[] {
  const terms = d.paths.flatMap((path) => pathTerms(d, path));
  if (d.payments) {
    const service = d.serviceConnection ?? 'direct';
    terms.push(
      {
        connection: service,
        moments: [...BUDGET_MOMENTS],
        connections: PAYMENT_SERVICE_POOL_SIZE,
        what: `the payment service's pool ${PAYMENT_SERVICE_POOL_SIZE} on ${service} (payments; FAULTLINE_SERVICE_CONNECTION)`,
      },
      {
        connection: d.payments.auditConnection,
        moments: ['audit'],
        connections: 1,
        what: `the audit's 1 on payments.auditConnection ${d.payments.auditConnection}`,
      },
    );
  }
  const audit = d.workload.writeAudit;
  if (writesAudited(d.workload))
    for (const path of d.paths)
      terms.push({
        connection: audit.connection ?? path,
        moments: ['audit'],
        connections: 1,
        what: `the business-write audit's 1 on ${audit.connection ? `workload.writeAudit.connection ${audit.connection}` : path}`,
      });
  return terms;
}

/** The named connections the experiment opens connections on, each once. */
export const demandedConnections = (terms: DemandTerm[]): string[] => [...new Set(terms.map((t) => t.connection))];
