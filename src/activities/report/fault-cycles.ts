/** The workload's successes that took the stall threshold or longer, in a cycle's `fault` phase. */
export interface PastThreshold {
  stallThresholdMs: number;
  /** Where they were counted: the cycle's `fault` phase, from the inject's landing to the restore. */
  phase: 'fault';
  from: string;
  to: string;
  count: number;
  /** The successful operations of that phase. */
  successes: number;
  /** Of `count`, those held (a round trip unanswered for the threshold: down); the others were slow. */
  held: number;
  /** The same, by operation type (those with a success only). */
  byType: Partial<Record<OperationType, { count: number; successes: number }>>;
}

/**
 * Each fault of an experiment (one, or every cycle of a repeated one) with its ground truth, and what
 * each path saw of it: recovery after the restore and detected downtime against the ground truth.
 * Pure.
 */
import { detectionNote } from './detection-notes';
import type { OperationType } from '../../shared/workload-types';
import type { ExperimentOutcome, FaultCycle } from '../../shared/experiment-types';
import type { ProbeTimingSummary, TcpDuringFault } from '../../shared/fault-types';
import type { DowntimeWindow } from '../../shared/workload-types';

export interface CycleReport {
  cycle: number;
  injectRequestedAt: string;
  /** Ground truth (tight probe): the first attempt that failed or stalled, on any path. */
  targetDownAt: string | null;
  restoreRequestedAt: string | null;
  /** Ground truth (tight probe): every path answered again. */
  servingAgainAt: string | null;
  /**
   * How long the target was down, by the probe: the longest of its paths' own ground truths
   * (servingAgainAt - targetDownAt in older histories, which span from the first glitch to the end).
   */
  groundTruthDowntimeMs: number | null;
  /** servingAgainAt - injectRequestedAt. */
  faultWindowMs: number | null;
  /** The steady state held again (null: not within the recovery timeout). */
  recoveredAt: string | null;
  /** Network faults: what the target's own TCP did from the inject to the restore, or why it was not read. */
  targetTcp?: TcpDuringFault;
}

export type RecoveryStatus = 'recovered' | 'not-recovered' | 'up-before-restore' | 'no-restore';

export interface PathCycle {
  cycle: number;
  /** The path's detected downtime within this cycle (from its injection to the next one, or the end). */
  detectedDowntimeMs: number;
  /**
   * This path's ground truth: its probe's first failure or stall to its serving again (fresh
   * connections); 0 when its probe never saw it down; null when no probe watched it.
   */
  groundTruthMs: number | null;
  /** detectedDowntimeMs - groundTruthMs; null when the path has no ground truth of its own. */
  detectedMinusGroundTruthMs: number | null;
  /** Why detection and ground truth differ, when the report knows. */
  note?: string;
  /** How long the ground-truth probe's logins and queries on this path took while the fault landed. */
  probe?: ProbeTimingSummary;
  /** The workload's successes past the stall threshold in this cycle's fault phase (absent: not counted). */
  pastStallThreshold?: PastThreshold;
  /** When this path served again after the restore: the end of its last window of the cycle. */
  servingAgainAt: string | null;
  /** servingAgainAt - restoreRequestedAt; 0 only when the path was already up at the restore; null when it did not recover. */
  recoveryMs: number | null;
  recovery: RecoveryStatus;
}

const t = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) : null);

/**
 * Per path ground truth of each cycle: the time its own probe saw it down (failures, and round
 * trips unanswered past the stall threshold); 0 when its probe watched it through the fault and the
 * restore and never saw it down; null when no probe watched it (an RDS fault, an older history of
 * several paths) or when the inject's probe missed when it went down (only the restore's saw it).
 * Never another path's figure: a path the fault does not reach has its own truth, 0. An older
 * history of one path without per-path records takes the cycle's figure, which was that path's.
 */
export function pathGroundTruth(outcome: ExperimentOutcome, path: string): Array<number | null> {
  const onePath = outcome.definition.paths.length === 1;
  return (outcome.cycles ?? []).map((c) => {
    const injected = c.injection.paths?.[path];
    if (!injected) return onePath ? targetGroundTruth(c) : null;
    const restored = c.restore?.paths?.[path];
    const down = t(injected.downAt);
    if (down === null) return restoreBlip(c, path);
    const servedMeanwhile = t(injected.servingAgainAt);
    if (servedMeanwhile === null) {
      // Down when the inject's probe stopped: down until the restore's probe saw it serve.
      // A blip the probe saw before the outage reached the path is its own window, not the outage's start.
      const serving = t(restored?.servingAgainAt ?? null);
      const since = t(injected.downSince);
      if (serving === null) return null;
      if (since === null || injected.downBeforeMs === undefined) return Math.max(0, serving - down);
      return injected.downBeforeMs + Math.max(0, serving - since);
    }
    // Serving again while the inject's probe watched (a fault that heals by itself, short glitches
    // under loss): the windows it saw, and those the restore's probe saw, added up.
    if (injected.downMs === undefined) return Math.max(0, servedMeanwhile - down); // an older history
    return injected.downMs + (restored?.downAt ? (restored.downMs ?? 0) : 0);
  });
}

/**
 * A path the inject's probe never saw down: 0 if the restore's probe did not either; the windows
 * the restore's probe saw if they ended while the restore acted (the restore's own blip: packets a
 * delayer held when it was removed); null if the path was still down after it (when it went down,
 * in the unwatched fault window, is unknown).
 */
function restoreBlip(c: FaultCycle, path: string): number | null {
  const restored = c.restore?.paths?.[path];
  if (t(restored?.downAt ?? null) === null) return 0;
  const servedAt = t(restored?.servingAgainAt ?? null);
  const actedBy = t(c.restore?.targetRunningAt ?? null);
  return servedAt !== null && actedBy !== null && servedAt <= actedBy && restored?.downMs !== undefined
    ? restored.downMs
    : null;
}

/** When the target went down and served again, by the probe on every path; null: not both seen. */
function targetSpan(c: FaultCycle): { down: number | null; servingAgainAt: string | null } {
  return {
    down: t(c.injection.targetDownAt),
    servingAgainAt: c.injection.servingAgainAt ?? c.restore?.servingAgainAt ?? null,
  };
}

function targetGroundTruth(c: FaultCycle): number | null {
  const { down, servingAgainAt } = targetSpan(c);
  const serving = t(servingAgainAt);
  return down !== null && serving !== null ? Math.max(0, serving - down) : null;
}

/** The target was down as long as its longest path's own ground truth says (null: none known). */
function longest(truths: Array<number | null>): number | null {
  const known = truths.filter((x): x is number => x !== null);
  return known.length ? Math.max(...known) : null;
}

/** Per cycle, the ground-truth probe's timings on this path while the fault landed (absent: none recorded). */
export function pathProbeTimings(outcome: ExperimentOutcome, path: string): Array<ProbeTimingSummary | undefined> {
  return (outcome.cycles ?? []).map((c) => c.injection.paths?.[path]?.timings);
}

/** Each cycle, and each defined path's own ground truth of them (pathGroundTruth, worked out once here). */
export function cyclesOf(outcome: ExperimentOutcome): {
  cycles: CycleReport[];
  groundTruth: Map<string, Array<number | null>>;
} {
  const groundTruth = new Map(outcome.definition.paths.map((p) => [p, pathGroundTruth(outcome, p)]));
  const perPath = [...groundTruth.values()];
  const cycles = (outcome.cycles ?? []).map((c, i) => {
    const { servingAgainAt } = targetSpan(c);
    const serving = t(servingAgainAt);
    const inject = Date.parse(c.injection.injectRequestedAt);
    return {
      cycle: c.cycle,
      injectRequestedAt: c.injection.injectRequestedAt,
      targetDownAt: c.injection.targetDownAt,
      restoreRequestedAt: c.restore?.restoreRequestedAt ?? null,
      servingAgainAt,
      groundTruthDowntimeMs: c.injection.paths
        ? longest(perPath.map((truths) => truths[i] ?? null))
        : targetGroundTruth(c),
      faultWindowMs: serving !== null ? serving - inject : null,
      recoveredAt: c.recoveredAt ?? null,
      ...(c.restore?.tcpDuringFault ? { targetTcp: c.restore.tcpDuringFault } : {}),
    };
  });
  return { cycles, groundTruth };
}

/** Time of the windows inside [from, to]; an open window runs to `until`. */
export function downtimeBetween(windows: DowntimeWindow[], from: number, to: number, until: number): number {
  return windows.reduce(
    (sum, w) => sum + Math.max(0, Math.min(t(w.end) ?? until, to) - Math.max(Date.parse(w.start), from)),
    0,
  );
}

/** What one path saw of each cycle. `until` is the end of the measurement. */
export function pathCycles(
  cycles: CycleReport[],
  windows: DowntimeWindow[],
  until: number,
  groundTruth: Array<number | null>,
  /** The path's read-only errors (25006): writes that met a demoted writer. */
  readOnly?: { count: number; lastAt?: string },
): PathCycle[] {
  return cycles.map((c, i) => {
    const from = Date.parse(c.injectRequestedAt) - 1000; // a stalled operation can start just before the fault lands
    const next = cycles[i + 1];
    const to = next ? Date.parse(next.injectRequestedAt) - 1000 : until;
    const detected = Math.round(downtimeBetween(windows, from, to, until));
    const restore = t(c.restoreRequestedAt);
    // The windows of this cycle that reach past the restore, up to its recovery (later ones are new incidents).
    const settled = t(c.recoveredAt) ?? to;
    const after =
      restore === null
        ? []
        : windows.filter(
            (w) => (t(w.end) ?? Infinity) > restore && Date.parse(w.start) < settled && Date.parse(w.start) >= from,
          );
    let recovery: RecoveryStatus;
    let servingAgainAt: string | null = null;
    let recoveryMs: number | null = null;
    if (restore === null) recovery = 'no-restore';
    else if (after.some((w) => w.end === null)) recovery = 'not-recovered';
    else if (after.length === 0) {
      recovery = 'up-before-restore';
      recoveryMs = 0;
    } else {
      recovery = 'recovered';
      const end = Math.max(...after.map((w) => Date.parse(w.end!)));
      servingAgainAt = new Date(end).toISOString();
      recoveryMs = end - restore;
    }
    const truth = groundTruth[i] ?? null;
    const inCycle = windows.filter((w) => Date.parse(w.start) >= from && Date.parse(w.start) < to);
    const note = detectionNote(detected, truth, inCycle[inCycle.length - 1], from, readOnly);
    return {
      cycle: c.cycle,
      detectedDowntimeMs: detected,
      groundTruthMs: truth,
      detectedMinusGroundTruthMs: truth === null ? null : detected - truth,
      ...(note ? { note } : {}),
      servingAgainAt,
      recoveryMs,
      recovery,
    };
  });
}
