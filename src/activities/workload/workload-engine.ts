/**
 * The workload engine: N workers share a pool and issue the seed's business operations, chosen
 * by weight, with think time between them, for a duration or until stopped. It keeps issuing
 * operations through an outage (a failed operation is measured, then the worker goes on), so the
 * outage is measured rather than skipped. After a failure a worker pauses at least 10 ms, so a
 * closed loop against a refused port does not spin.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, PostgresDialect } from 'kysely';
import type { WorkloadSettings } from '../../shared/workload-settings';
import type { OperationType, WorkloadProgress, WorkloadResult } from '../../shared/workload-types';
import type { BusinessDatabase } from '../schema/business-database';
import { EvictingPool } from '../schema/evicting-pool';
import { poolConfigFor } from '../schema/open-database';
import { classifyError, sqlState } from './error-classification';
import { catalog, type CatalogEntry, type DataShape } from './operation-catalog';
import { DowntimeDetector, SpanMetrics, Timeline } from './workload-metrics';

export interface EngineOptions {
  connection: string;
  settings: WorkloadSettings;
  /** Stop after this long; without it, run until the signal aborts. */
  durationMs?: number;
  signal?: AbortSignal;
  /** The experiment's current phase; measurements are tied to it. */
  phase?: () => string;
  /** Called about once a second with live counters. */
  onProgress?: (progress: WorkloadProgress) => void;
  dataShape?: DataShape;
}

const MIN_PAUSE_AFTER_FAILURE_MS = 10;
/** Connect timeout while the database is failing: retry fast to see it back as soon as it is. */
const OUTAGE_CONNECT_TIMEOUT_MS = 250;
/** How long in-flight operations may take to finish once the run is asked to stop. */
const STOP_GRACE_MS = 500;

/** Picks a type by weight, then one of its operations uniformly (the seed's split). */
export function operationChooser(entries: CatalogEntry[], weights: Record<OperationType, number>): () => CatalogEntry {
  const byType = (type: OperationType) => entries.filter((e) => e.type === type);
  const types = (['read', 'write', 'transaction'] as const).filter((t) => weights[t] > 0 && byType(t).length > 0);
  const total = types.reduce((sum, t) => sum + weights[t], 0);
  const groups = types.map((t) => ({ weight: weights[t], entries: byType(t) }));
  return () => {
    let r = Math.random() * total;
    for (const group of groups) {
      r -= group.weight;
      if (r < 0) return group.entries[Math.floor(Math.random() * group.entries.length)]!;
    }
    const last = groups[groups.length - 1]!;
    return last.entries[last.entries.length - 1]!;
  };
}

export async function runWorkloadEngine(options: EngineOptions): Promise<WorkloadResult> {
  const { settings } = options;
  const pool = new EvictingPool(
    poolConfigFor(options.connection, {
      poolSize: settings.poolSize,
      connectTimeoutMs: settings.connectTimeoutMs,
      statementTimeoutMs: settings.statementTimeoutMs,
      rawTimestamps: true,
    }),
  );
  const db = new Kysely<BusinessDatabase>({ dialect: new PostgresDialect({ pool }) });
  const choose = operationChooser(catalog(options.dataShape), settings.weights);
  const phaseOf = options.phase ?? (() => 'run');

  // One span per phase, from the moment the phase was first seen to the moment the next began.
  const spans = new Map<string, { metrics: SpanMetrics; from: number; to?: number }>();
  let currentPhase: string | undefined;
  const spanAt = (at: number): SpanMetrics => {
    const phase = phaseOf();
    if (phase !== currentPhase) {
      if (currentPhase !== undefined) spans.get(currentPhase)!.to = at;
      currentPhase = phase;
      if (!spans.has(phase)) spans.set(phase, { metrics: new SpanMetrics(phase), from: at });
      else spans.get(phase)!.to = undefined;
    }
    return spans.get(phase)!.metrics;
  };
  const timeline = new Timeline(100);
  const downtime = new DowntimeDetector();
  const counters = { attempts: 0, failures: 0 };

  const startedAt = Date.now();
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
  const thinkMs = () => (min + Math.random() * (max - min)) * 1000;

  const worker = async () => {
    while (!stop.signal.aborted) {
      const entry = choose();
      const t0 = performance.now();
      let failed = false;
      try {
        const outcome = await entry.run(db);
        const at = Date.now();
        const latencyUs = (performance.now() - t0) * 1000;
        const span = spanAt(at);
        span.recordSuccess(entry.name, entry.type, latencyUs, at);
        if (outcome.outOfStock) span.purchasesOutOfStock++;
        timeline.record(at, true, latencyUs);
        if (downtime.inOutage) pool.setConnectTimeout(settings.connectTimeoutMs);
        downtime.success(at);
        counters.attempts++;
      } catch (err) {
        if (stop.signal.aborted && terminated) break; // our own shutdown, not the database's
        failed = true;
        const at = Date.now();
        const message = err instanceof Error ? err.message : String(err);
        spanAt(at).recordFailure(entry.name, entry.type, classifyError(err), sqlState(err), message, at);
        timeline.record(at, false, (performance.now() - t0) * 1000);
        if (!downtime.inOutage) pool.setConnectTimeout(Math.min(settings.connectTimeoutMs, OUTAGE_CONNECT_TIMEOUT_MS));
        downtime.failure(at);
        counters.attempts++;
        counters.failures++;
      }
      let pause = thinkMs();
      if (failed) pause = Math.max(pause, MIN_PAUSE_AFTER_FAILURE_MS);
      if (pause > 0) await sleep(pause, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  };

  let last = { at: startedAt, attempts: 0, failures: 0 };
  const progress = setInterval(() => {
    const now = Date.now();
    const dAttempts = counters.attempts - last.attempts;
    const dFailures = counters.failures - last.failures;
    const seconds = (now - last.at) / 1000;
    last = { at: now, attempts: counters.attempts, failures: counters.failures };
    options.onProgress?.({
      connection: options.connection,
      phase: phaseOf(),
      elapsedMs: now - startedAt,
      attempts: counters.attempts,
      successes: counters.attempts - counters.failures,
      failures: counters.failures,
      opsPerSecond: seconds > 0 ? Math.round(dAttempts / seconds) : 0,
      errorRate: dAttempts > 0 ? dFailures / dAttempts : 0,
    });
  }, 1000);

  const workers = Array.from({ length: settings.concurrentWorkers }, () => worker());
  try {
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      stop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    const finished = Promise.all(workers);
    const grace = sleep(STOP_GRACE_MS).then(() => 'grace' as const);
    if ((await Promise.race([finished.then(() => 'done' as const), grace])) === 'grace') {
      terminated = true;
      pool.terminate(); // in-flight queries on a dead or paused server: cut their sockets
      await finished;
    }
  } finally {
    clearInterval(progress);
    if (deadline) clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onAbort);
    await db.destroy().catch(() => undefined);
  }

  const endedAt = Date.now();
  const overall = new SpanMetrics('overall');
  for (const span of spans.values()) overall.absorb(span.metrics);
  const result: WorkloadResult = {
    connection: options.connection,
    overall: overall.stats(startedAt, endedAt),
    phases: [...spans.values()].map((span) => ({ phase: span.metrics.name, ...span.metrics.stats(span.from, span.to ?? endedAt) })),
    timeline: { bucketMs: timeline.bucketMs, buckets: timeline.finish() },
    downtime: downtime.result(endedAt),
    stoppedBy,
  };
  overall.destroy();
  for (const span of spans.values()) span.metrics.destroy();
  return result;
}
