/**
 * `measureHttpPath`: the HTTP workload on one target (`http.targets`) for the length of an
 * experiment, as a Temporal activity. Like `measurePath`, whose measurement it shares: it follows
 * the experiment's phases, checkpoints every 500 ms into its heartbeat (a retry after a lost worker
 * resumes, the time between a measurement gap), writes its final checkpoint beside the report (the
 * report reads it like any path's) and returns a small summary. Request ids carry the experiment,
 * the run and the attempt, so no two requests of an experiment share one.
 */
import { activityInfo, CancelledFailure, Context } from '@temporalio/activity';
import { httpWorkloadSchema, type HttpWorkloadInput } from '../../shared/http-workload-schema';
import { formatIssues, InvalidSettingsError } from '../../shared/workload-settings';
import type { PathMeasurementSummary } from '../../shared/measurement-types';
import type { WorkloadProgress } from '../../shared/workload-types';
import { resolveHttpTarget } from '../../platform/http-targets';
import { progressSignals } from './experiment-link/measurement-signals';
import { livePathMetrics } from './engine/live-metrics';
import type { PathMetrics } from './engine/path-metrics';
import type { PathMeasurement } from './measurement/path-measurement';
import type { HttpLoadFigures } from '../../shared/http-workload-types';
import { startTicker } from './engine/workload-engine';
import { pathFiles, summarise, writeCheckpointFile } from './measurement/measure-path-files';
import {
  followFrom,
  keepCheckpointing,
  openMeasurement,
  type MeasurePathHeartbeat,
} from './measurement/durable-measurement';
import { newFigures, runHttpLoad } from './http/http-load';
import { experimentOrderPrefix } from './payments/payment-state';
import { HttpLedger } from './http/http-ledger';
import { ledgerFileOf, readLedgerFile, writeLedgerFile } from './http/http-ledger-file';
import { existsSync } from 'node:fs';
import { clientDelay } from './http/client-delay';

export interface MeasureHttpPathInput {
  /** The target's name (its base URL: FAULTLINE_HTTP_<NAME>). */
  target: string;
  settings: HttpWorkloadInput;
  reportDirectory: string;
  progressSignalSeconds?: number;
  /** This run continues an experiment that continued as new: the previous run's final checkpoint. */
  continueFrom?: string;
}

/** Ids of one experiment's requests: `fl-<hash of its workflow id>-<run>t<target>a<attempt>...`, unique across its targets. */
const requestIdPrefix = (workflowId: string, runId: string, target: number, attempt: number): string =>
  `${experimentOrderPrefix(workflowId)}-${runId.slice(0, 6)}t${target}a${attempt}`;

/**
 * The audited request's ledger: this attempt's, after the segments of this run's earlier attempts
 * (from the heartbeat, which carries this run's only, so it does not grow with every run) and of
 * earlier runs (from the previous run's ledger file, read again by each attempt).
 */
function auditLedger(
  request: string | undefined,
  prefix: string,
  beat: MeasurePathHeartbeat | undefined,
  continueFrom: string | undefined,
) {
  if (!request) return undefined;
  const previousFile = continueFrom ? ledgerFileOf(continueFrom) : undefined;
  const attempts = beat?.ledger ?? [];
  // A heartbeat of an earlier version carried the earlier runs' segments too: never twice.
  const carried = new Set(attempts.map((s) => s.prefix));
  const runs = (previousFile && existsSync(previousFile) ? readLedgerFile(previousFile) : []).filter(
    (s) => !carried.has(s.prefix),
  );
  const ledger = new HttpLedger(`${prefix}.${request}`); // a dot: never one of the other requests' ids
  return {
    request,
    ledger,
    /** This run's segments, for the heartbeat. */
    thisRun: () => [...attempts, ledger.segment(false)],
    /** Every segment, for the ledger file the audit reads. */
    all: (complete: boolean) => [...runs, ...attempts, ledger.segment(complete)],
  };
}

/** Each second: the live metrics from the measurement's progress (kept as `latest`), and the client's delay. */
function liveFigures(metrics: PathMetrics, measurement: PathMeasurement, figures: HttpLoadFigures) {
  const delay = clientDelay(figures);
  let latest: WorkloadProgress | undefined;
  const timer = setInterval(() => {
    metrics.progress((latest = measurement.progress(Date.now())));
    delay.note();
  }, 1000);
  return {
    metrics,
    latest: () => latest,
    end: (at: number) => {
      delay.note();
      metrics.end(measurement.progress(at), at);
    },
    stop: () => {
      clearInterval(timer);
      delay.stop();
    },
  };
}

function parseSettings(input: HttpWorkloadInput) {
  const parsed = httpWorkloadSchema.safeParse(input);
  if (!parsed.success) throw new InvalidSettingsError(formatIssues(parsed.error, 'http.'));
  return parsed.data;
}

export async function measureHttpPath(input: MeasureHttpPathInput): Promise<PathMeasurementSummary> {
  const settings = parseSettings(input.settings);
  const target = resolveHttpTarget(input.target);
  const context = Context.current();
  const info = activityInfo();
  const { workflowId, runId } = info.workflowExecution!;
  const files = pathFiles(input.reportDirectory, workflowId, input.target, runId.slice(0, 8));
  const stop = new AbortController();
  context.cancellationSignal.addEventListener('abort', () => stop.abort(), { once: true });
  const beat = info.heartbeatDetails as MeasurePathHeartbeat | undefined;
  const follower = await followFrom(stop, beat);
  const horizon = { stallThresholdMs: settings.stallThresholdMs, horizonMs: settings.timeoutMs + 5000 };
  const { measurement, resumed } = openMeasurement(
    { connection: input.target, continueFrom: input.continueFrom },
    horizon,
    files.timeline,
    beat,
    follower,
  );
  const figures = beat?.http ?? resumed?.end?.http ?? newFigures(target, settings);
  const prefix = requestIdPrefix(workflowId, runId, Math.max(0, settings.targets.indexOf(input.target)), info.attempt);
  const audit = auditLedger(settings.audit?.request, prefix, beat, input.continueFrom);
  const live = liveFigures(livePathMetrics(workflowId, input.target), measurement, figures);
  const beside = () => ({ http: { ...figures }, ...(audit ? { ledger: audit.thisRun() } : {}) });
  const stopCheckpointing = keepCheckpointing(measurement, beside, live.latest);
  const signals = progressSignals(input, live.latest);
  const ticker = startTicker(measurement, undefined);
  try {
    await runHttpLoad({
      target,
      settings,
      measurement,
      prefix,
      stop: stop.signal,
      figures,
      ...(audit ? { audit: { request: audit.request, ledger: audit.ledger } } : {}),
      observer: live.metrics,
    });
    const endedAt = Date.now();
    live.end(endedAt);
    const stoppedBy = context.cancellationSignal.aborted ? 'cancelled' : 'signal';
    const final = measurement.checkpoint(endedAt, { endedAt, stoppedBy, http: figures }, true);
    writeCheckpointFile(files.checkpoint, final);
    const ledgerFile = audit ? writeLedgerFile(ledgerFileOf(files.checkpoint), audit.all(true)) : undefined;
    const summary = { ...summarise(final, files.checkpoint), ...(ledgerFile ? { ledgerFile } : {}) };
    if (context.cancellationSignal.aborted)
      throw new CancelledFailure('measurement cancelled; details carry its summary', [summary]);
    return summary;
  } finally {
    live.stop();
    ticker.stop();
    stopCheckpointing();
    if (signals) clearInterval(signals);
    follower.close();
    stop.abort();
  }
}
