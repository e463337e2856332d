/** The report's one data model, from which the JSON, HTML and console forms are made. */
import { customReadsText } from './custom-reads';
import type { ExperimentOutcome } from '../../shared/experiment-types';
import type { PathMeasurementSummary } from '../../shared/measurement-types';
import type { WorkloadSettings } from '../../shared/workload-settings';
import { describeFault, type FaultKind } from '../../shared/experiment-schema';
import type { PaymentWorkloadResult } from '../../shared/payment-types';
import { workloadMix } from '../../shared/workload-mix';
import type { WorkloadResult } from '../../shared/workload-types';
import { comparePaths } from './comparison';
import { cyclesOf, pathCycles, pathGroundTruth, pathProbeTimings, type CycleReport } from './fault-cycles';
import { pastThresholdPerCycle } from './fault-figures';
import { reconnectPolicy } from '../workload/clients/workload-connections';
import { REPORT_SCHEMA_VERSION, type ExperimentReport, type MeasuringClient, type PathReport } from './report-types';
import { writerChangeOf } from './writer-change';
import { staleWriterWindows } from './stale-writer';
import { failoverStagesOf } from './failover-stages';

function restoreNote(kind: FaultKind | 'none', action: string): string {
  switch (kind) {
    case 'rds':
      return 'a failover has nothing to undo: the restore waited until the cluster was available and every path answered a query';
    case 'patroni':
      return `${action === 'none' ? 'nothing to undo' : `old leader brought back by ${action}`}; verified the cluster whole (one leader, the old one rejoined as a replica) and every path answering`;
    case 'network':
      return `${action === 'none' ? 'no network rule was left' : 'network rules and sidecar removed'}; verified none left and every path answering`;
    case 'docker':
    case 'none':
      return `container ${action === 'none' ? 'was already running' : `restored by ${action}`}; verified running and answering on every path`;
    default:
      return kind satisfies never;
  }
}

function downtimeInGaps(w: WorkloadResult, until: number): number {
  let ms = 0;
  for (const g of w.gaps) {
    if (g.shard !== undefined) continue; // the other shards measured there: their operations could close it
    for (const win of w.downtime.windows) {
      ms += Math.max(
        0,
        Math.min(Date.parse(g.end), win.end ? Date.parse(win.end) : until) -
          Math.max(Date.parse(g.start), Date.parse(win.start)),
      );
    }
  }
  return ms;
}

/**
 * The definition of downtime, as the report states it: with HTTP paths, their own stall threshold
 * (`http.stallThresholdMs`) and their expected refusals too.
 */
export function downtimeDefinition(stallThresholdMs: number, http?: { stallThresholdMs: number }): string {
  const threshold =
    http && http.stallThresholdMs !== stallThresholdMs
      ? `${stallThresholdMs} ms (HTTP paths: ${http.stallThresholdMs} ms)`
      : `${stallThresholdMs} ms`;
  return (
    `A path is down from the start of an operation that fails${http ? ', or that an HTTP service refuses (an expected refusal, such as a 503: not a failure, but not served)' : ''}, ` +
    `or that is still outstanding after ${threshold} (a stall: a paused server, ` +
    'a black-holed network, a proxy holding queries), until the first operation that started at or after it completes successfully. ' +
    'Held operations that finally succeed count for the time they were held; latency below the threshold never counts.'
  );
}

/** The client that measured a path: the one its measurements (its shards') recorded, with the settings that shape an outage. */
export function measuringClientOf(summary: PathMeasurementSummary | undefined, w: WorkloadSettings): MeasuringClient {
  const measured = summary ? (summary.shards ?? [summary]) : [];
  const recorded = new Set(measured.flatMap((m) => (m.measuredWith ? [m.measuredWith.client] : [])));
  const client = recorded.size > 1 ? 'mixed' : ([...recorded][0] ?? w.client);
  const reconnect =
    client === 'mixed'
      ? `The shards measured with different clients (see each shard). Dedicated: ${reconnectPolicy('dedicated', w)} Pool: ${reconnectPolicy('pool', w)}`
      : reconnectPolicy(client, w);
  const reads = customReadsText(w, client);
  return {
    client,
    concurrentWorkers: w.concurrentWorkers,
    poolSize: w.poolSize,
    connectTimeoutMs: w.connectTimeoutMs,
    tcpConnectTimeoutMs: w.tcpConnectTimeoutMs,
    statementTimeoutMs: w.statementTimeoutMs,
    stallThresholdMs: w.stallThresholdMs,
    reconnect,
    ...(reads ? { customReads: reads } : {}),
  };
}

/**
 * One path's figures: its measurement, and its downtime cut per fault cycle. `groundTruth` is each
 * defined path's, from cyclesOf; a path not defined has its own worked out here.
 */
function pathReport(
  w: WorkloadResult,
  outcome: ExperimentOutcome,
  cycles: CycleReport[],
  groundTruth: Map<string, Array<number | null>>,
  until: number,
): PathReport {
  const timings = pathProbeTimings(outcome, w.connection);
  const past = pastThresholdPerCycle(w.phases, cycles, w.downtime.stallThresholdMs);
  // An HTTP path has no probe of its own: its ground truth is unknown, never the database's.
  const truth = w.http
    ? cycles.map(() => null)
    : (groundTruth.get(w.connection) ?? pathGroundTruth(outcome, w.connection));
  const readOnly = w.overall.errors.read_only;
  const perCycle = pathCycles(cycles, w.downtime.windows, until, truth, readOnly).map((c, i) => ({
    ...c,
    ...(timings[i] ? { probe: timings[i] } : {}),
    ...(past[i] ? { pastStallThreshold: past[i] } : {}),
  }));
  const last = perCycle[perCycle.length - 1];
  const summary = outcome.paths.find((p) => p.connection === w.connection);
  const shards = summary?.shards?.map((m) => ({
    index: m.shard?.index ?? 0,
    worker: m.shard?.worker ?? 'unknown',
    attempts: m.attempts,
    failures: m.failures,
    downtimeMs: m.downtimeMs,
    gapMs: m.gaps.reduce((sum, g) => sum + Date.parse(g.end) - Date.parse(g.start), 0),
    ...(m.measuredWith ? { measuredWith: m.measuredWith } : {}),
  }));
  return {
    path: w.connection,
    ...(w.http ? { http: w.http } : { measuringClient: measuringClientOf(summary, outcome.definition.workload) }),
    overall: w.overall,
    phases: w.phases,
    downtimeMs: w.downtime.totalMs,
    downtimeWindows: w.downtime.windows,
    stallThresholdMs: w.downtime.stallThresholdMs,
    openAtEnd: w.downtime.openAtEnd,
    held: w.overall.held,
    recoveryMs: last && !perCycle.some((c) => c.recovery === 'not-recovered') ? last.recoveryMs : null,
    cycles: perCycle,
    gaps: w.gaps,
    downtimeInGapsMs: Math.round(downtimeInGaps(w, until)),
    timeline: w.timeline,
    stoppedBy: w.stoppedBy,
    ...(w.pgbench ? { pgbench: w.pgbench } : {}),
    ...(shards ? { shards } : {}),
  };
}

/** A writer change (Patroni's), where each path met the demoted writer, and the failover's stages (Aurora's too). */
function writerChangeSections(
  outcome: ExperimentOutcome,
  paths: PathReport[],
  workloads: WorkloadResult[],
  injectAt: number,
  until: number,
) {
  const writerChange = writerChangeOf(outcome, workloads);
  const writerMoved = outcome.injection?.rds?.writerChanged || writerChange?.newLeader;
  const staleWriter = writerMoved ? staleWriterWindows(paths, workloads, injectAt, until) : undefined;
  const failoverStages = writerMoved ? failoverStagesOf(outcome, workloads, staleWriter) : undefined;
  return {
    ...(writerChange ? { writerChange } : {}),
    ...(staleWriter ? { staleWriter } : {}),
    ...(failoverStages ? { failoverStages } : {}),
  };
}

/**
 * The report from what the workflow gathered and what the measurements wrote: each path's figures
 * (read from its checkpoint file, timeline included) and the payment workload's.
 */
export function buildReport(
  outcome: ExperimentOutcome,
  workloads: WorkloadResult[],
  payments?: PaymentWorkloadResult,
): ExperimentReport {
  const { fault, target } = describeFault(outcome.definition.fault);
  const { cycles, groundTruth } = cyclesOf(outcome);
  const first = cycles[0];
  const until = Date.parse(outcome.endedAt);
  const paths = workloads.map((w) => pathReport(w, outcome, cycles, groundTruth, until));
  // The comparison is of database paths (direct vs proxy); HTTP paths stand beside them.
  const comparison = comparePaths(paths.filter((p) => !p.http));
  const injectAt = first ? Date.parse(first.injectRequestedAt) : until;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    experimentId: outcome.experimentId,
    name: outcome.definition.name,
    generatedAt: new Date().toISOString(),
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    verdict: outcome.verdict,
    verdictReason: outcome.verdictReason,
    ...(outcome.abort ? { abort: outcome.abort } : {}),
    definition: outcome.definition,
    workload: workloadMix(outcome.definition.workload),
    fault: { kind: fault, target: outcome.injection?.target.name ?? target },
    timestamps: {
      injectRequestedAt: first?.injectRequestedAt ?? null,
      targetDownAt: first?.targetDownAt ?? null,
      restoreRequestedAt: first?.restoreRequestedAt ?? null,
      targetRunningAt: outcome.cycles?.[0]?.restore?.targetRunningAt ?? null,
      servingAgainAt: first?.servingAgainAt ?? null,
      recoveredAt: outcome.recoveredAt ?? null,
    },
    faultWindowMs: first?.faultWindowMs ?? null,
    restore: outcome.restore
      ? {
          action: outcome.restore.action,
          note: restoreNote(outcome.definition.fault?.kind ?? 'none', outcome.restore.action),
        }
      : null,
    cycles,
    downtimeDefinition: downtimeDefinition(outcome.definition.workload.stallThresholdMs, outcome.definition.http),
    ...(outcome.injection?.rds ? { rds: outcome.injection.rds } : {}),
    ...writerChangeSections(outcome, paths, workloads, injectAt, until),
    steadyState: { before: outcome.steadyStateBefore, after: outcome.steadyStateAfter },
    paths,
    ...(comparison ? { comparison } : {}),
    ...(payments
      ? { payments: { workload: payments, ...(outcome.payments?.audit ? { audit: outcome.payments.audit } : {}) } }
      : {}),
    ...(outcome.httpAudits ? { httpAudits: outcome.httpAudits } : {}),
    ...(outcome.writeAudits ? { writeAudits: outcome.writeAudits } : {}),
    ...(outcome.writeAuditErrors ? { writeAuditErrors: outcome.writeAuditErrors } : {}),
    ...(outcome.searchAttributesMissing ? { searchAttributesMissing: outcome.searchAttributesMissing } : {}),
  };
}
