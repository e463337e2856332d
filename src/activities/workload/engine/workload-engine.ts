/**
 * The workload engine: N workers, each on its own connection or sharing a pool
 * (clients/workload-connections.ts), issue the seed's business operations, chosen
 * by weight, with think time between them, for a duration or until stopped. It keeps issuing
 * operations through an outage (a failed operation is measured, then the worker goes on), so the
 * outage is measured rather than skipped. After a failure a worker pauses at least 10 ms, so a
 * closed loop against a refused port does not spin.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkloadSettings } from '../../../shared/workload-settings';
import type { OperationType, WorkloadProgress, WorkloadResult } from '../../../shared/workload-types';
import { catalog, type CatalogEntry, type DataShape } from '../operations/operation-catalog';
import { WORKLOAD_APPLICATION_NAME } from '../../../shared/names';
import { customCatalog } from '../operations/custom-operations';
import { pick, weightedChooser } from '../operations/random-draws';
import { PathMeasurement } from '../measurement/path-measurement';
import { answeringRunner, type StatementRunner } from '../clients/statement-runner';
import { openWorkloadConnections, type WorkloadConnections } from '../clients/workload-connections';
import type { WriteLedger } from '../writes/write-ledger';
import { writeAnswerOf } from '../writes/write-answer';
import { writeIdOf } from '../writes/write-ids';

export interface EngineOptions {
  connection: string;
  settings: WorkloadSettings;
  /** Stop after this long; without it, run until the signal aborts. */
  durationMs?: number;
  signal?: AbortSignal;
  /** What the database sees the connections as (application_name): by default the measured workload's. */
  applicationName?: string;
  /** The experiment's current phase; measurements are tied to it. */
  phase?: () => string;
  /** Called about once a second with live counters. */
  onProgress?: (progress: WorkloadProgress) => void;
  /** Called every tick (50 ms) with the measurement, for checks that must see a stall as it happens. */
  onTick?: (measurement: PathMeasurement) => void;
  /** Measure into this (a measurement resumed from a checkpoint); by default a new one. */
  measurement?: PathMeasurement;
  /** Called when the run is over, before the figures are taken (the final checkpoint). */
  onEnd?: (measurement: PathMeasurement, endedAt: number, stoppedBy: WorkloadResult['stoppedBy']) => void;
  dataShape?: DataShape;
  /** Told of every operation's end (live metrics, see path-metrics.ts). */
  observer?: OperationObserver;
  /** Where the audited writes (orders, logs, purchases) are filed with their answers, for the audit. */
  writes?: WriteLedger;
}

/** Called on the hot path, once an operation ended: must be cheap and must not throw. */
export interface OperationObserver {
  succeeded(type: OperationType, latencyUs: number): void;
  failed(type: OperationType, err: unknown): void;
  /** An expected refusal (an HTTP service's 503): not served, not a failure. */
  refused?(type: OperationType): void;
}

const MIN_PAUSE_AFTER_FAILURE_MS = 10;
/** How long in-flight operations may take to finish once the run is asked to stop. */
const STOP_GRACE_MS = 500;
/** How often in-flight operations are checked for stalls. */
const TICK_MS = 50;

/** Picks a type by weight, then one of its operations uniformly (the seed's split). */
export function operationChooser(entries: CatalogEntry[], weights: Record<OperationType, number>): () => CatalogEntry {
  const byType = (type: OperationType) => entries.filter((e) => e.type === type);
  const types = (['read', 'write', 'transaction'] as const).filter((t) => weights[t] > 0 && byType(t).length > 0);
  const group = weightedChooser(
    types.map(byType),
    types.map((t) => weights[t]),
  );
  return () => pick(group());
}

/** The user's own operations by their weights, or the business mix by type (seed 001). */
function chooserFor(settings: WorkloadSettings, shape: DataShape | undefined, connection: string): () => CatalogEntry {
  const custom = settings.custom ?? [];
  return custom.length
    ? weightedChooser(
        customCatalog(custom, connection),
        custom.map((op) => op.weight),
      )
    : operationChooser(catalog(shape), settings.weights);
}

/** What every worker of a run shares. */
interface Run {
  measurement: PathMeasurement;
  choose: () => CatalogEntry;
  thinkMs: () => number;
  stop: AbortSignal;
  /** Set when the run cuts the last operations short itself (their failures are not the database's). */
  terminated: () => boolean;
  observer: OperationObserver | undefined;
  writes: WriteLedger | undefined;
}

/** An audited write's number and identity, filed before it goes out. */
function fileWrite(run: Run, entry: CatalogEntry): { seq: number; id: string } | undefined {
  if (!entry.audited || !run.writes) return undefined;
  const seq = run.writes.start(entry.audited);
  return seq === undefined ? undefined : { seq, id: writeIdOf(run.writes.prefix, seq) };
}

/** One worker: an operation, think time, the next, until the run stops. */
async function worker(run: Run, connection: StatementRunner): Promise<void> {
  const { measurement } = run;
  let token = 0;
  // Each statement answered restarts the operation's stall clock (the threshold is per round trip).
  const db = answeringRunner(connection, () => measurement.answered(token, Date.now()));
  while (!run.stop.aborted) {
    const entry = run.choose();
    const write = fileWrite(run, entry);
    const opStartedAt = Date.now();
    token = measurement.started(opStartedAt);
    const t0 = performance.now();
    // Only the operation is awaited in the try: its answer is filed once, whatever the filing does.
    const ended = await entry.run(db, write?.id).then(
      (outcome) => ({ outcome }),
      (err: unknown) => ({ err }),
    );
    const failed = 'err' in ended;
    if (!failed) {
      const latencyUs = (performance.now() - t0) * 1000;
      if (write) run.writes!.end(write.seq, ended.outcome.outOfStock ? 'refused' : 'acknowledged');
      measurement.succeeded(token, entry, opStartedAt, Date.now(), latencyUs, ended.outcome.outOfStock);
      run.observer?.succeeded(entry.type, latencyUs);
    } else if (run.stop.aborted && run.terminated()) {
      measurement.abandoned(token); // our own shutdown, not the database's
      if (write) run.writes!.end(write.seq, 'unknown'); // cut in flight
      break;
    } else {
      if (write) run.writes!.end(write.seq, writeAnswerOf(ended.err));
      measurement.failed(token, entry, Date.now(), (performance.now() - t0) * 1000, ended.err);
      run.observer?.failed(entry.type, ended.err);
    }
    let pause = run.thinkMs();
    if (failed) pause = Math.max(pause, MIN_PAUSE_AFTER_FAILURE_MS);
    if (pause > 0) await sleep(pause, undefined, { signal: run.stop }).catch(() => undefined);
  }
}

/**
 * Ticks the measurement every TICK_MS, each tick after the I/O that came in since it was due (see
 * tight-probe.ts): answers that arrived while this process was blocked are read before the tick
 * looks for stalls.
 */
export function startTicker(measurement: PathMeasurement, onTick: ((m: PathMeasurement) => void) | undefined) {
  let ticking = true;
  const timer = setInterval(
    () =>
      setImmediate(() => {
        if (!ticking) return;
        measurement.tick(Date.now());
        onTick?.(measurement);
      }),
    TICK_MS,
  );
  return {
    stop: () => {
      ticking = false;
      clearInterval(timer);
    },
  };
}

/** Waits for the stop, then for the workers; operations still running after the grace are cut. */
async function drain(
  stop: AbortSignal,
  workers: Array<Promise<void>>,
  connections: WorkloadConnections,
  onTerminate: () => void,
): Promise<void> {
  await new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    stop.addEventListener('abort', () => resolve(), { once: true });
  });
  const finished = Promise.all(workers);
  const grace = sleep(STOP_GRACE_MS).then(() => 'grace' as const);
  if ((await Promise.race([finished.then(() => 'done' as const), grace])) === 'grace') {
    onTerminate();
    connections.terminate(); // in-flight queries on a dead or paused server: cut their sockets
    await finished;
  }
}

export async function runWorkloadEngine(options: EngineOptions): Promise<WorkloadResult> {
  const { settings } = options;
  const name = options.applicationName ?? WORKLOAD_APPLICATION_NAME;
  // Before any connection opens: a worker that forbids custom statements here refuses now.
  const choose = chooserFor(settings, options.dataShape, options.connection);
  const connections = openWorkloadConnections(options.connection, settings, name);
  const phaseOf = options.phase ?? (() => 'run');
  const measurement =
    options.measurement ??
    new PathMeasurement({
      connection: options.connection,
      stallThresholdMs: settings.stallThresholdMs,
      phaseOf,
      startedAt: Date.now(),
      horizonMs: measurementHorizonMs(settings),
    });

  const stop = new AbortController();
  let stoppedBy: WorkloadResult['stoppedBy'] = 'duration';
  const onAbort = () => {
    stoppedBy = 'cancelled';
    stop.abort();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const deadline = options.durationMs !== undefined ? setTimeout(() => stop.abort(), options.durationMs) : undefined;
  let terminated = false;
  const { min, max } = settings.thinkTimeSeconds;
  const run: Run = {
    measurement,
    choose,
    thinkMs: () => (min + Math.random() * (max - min)) * 1000,
    stop: stop.signal,
    terminated: () => terminated,
    observer: options.observer,
    writes: options.writes,
  };

  const ticker = startTicker(measurement, options.onTick);
  const progress = setInterval(() => options.onProgress?.(measurement.progress(Date.now())), 1000);
  try {
    await drain(
      stop.signal,
      Array.from({ length: settings.concurrentWorkers }, (_, i) => worker(run, connections.runnerFor(i))),
      connections,
      () => (terminated = true),
    );
  } finally {
    clearInterval(progress);
    ticker.stop();
    if (deadline) clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onAbort);
    await connections.close();
  }
  const endedAt = Date.now();
  options.onEnd?.(measurement, endedAt, stoppedBy);
  const { client, connections: most } = connections;
  const measuredWith = { client, workers: settings.concurrentWorkers, connections: most };
  return { ...measurement.result(endedAt, stoppedBy), measuredWith };
}

/** Longer than any operation can last: its statement and connect timeouts, and some. */
export function measurementHorizonMs(settings: WorkloadSettings): number {
  return settings.statementTimeoutMs + settings.connectTimeoutMs + 5000;
}
