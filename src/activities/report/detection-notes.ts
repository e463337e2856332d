/**
 * Why a path's detected downtime differs from its ground truth by more than EXPLAIN_ABOVE_MS, when
 * the report can tell: workers held on connections that crossed the fault, writes that met a
 * read-only server (a stale writer), or open sessions that saw less than new logins.
 */
import type { DowntimeWindow } from '../../shared/workload-types';

/** Detection may differ from the ground truth by this much before the report explains it. */
const EXPLAIN_ABOVE_MS = 250;

const s = (ms: number, digits = 1) => (ms / 1000).toFixed(digits);

/** `last`: the path's last window in the cycle; `from`: the cycle's start; `readOnly`: its 25006 errors. */
export function detectionNote(
  detected: number,
  truth: number | null,
  last: DowntimeWindow | undefined,
  from: number,
  readOnly?: { count: number; lastAt?: string },
): string | undefined {
  if (truth === null) return undefined;
  if (detected - truth > EXPLAIN_ABOVE_MS && last?.closedByHeld)
    return (
      `every worker was held on a connection that crossed the fault (${last.stalls} stalled) until ${last.end}; ` +
      'no later operation could start, so the path counts as down until they were served. Fresh connections (the ground-truth probe) were served ' +
      `${s(detected - truth)} s sooner.`
    );
  if (detected - truth > EXPLAIN_ABOVE_MS && readOnly?.lastAt && Date.parse(readOnly.lastAt) >= from)
    return (
      `its writes met a read-only server (${readOnly.count} errors 25006, the last at ${readOnly.lastAt}): the demoted writer ` +
      `served the ground-truth probe's SELECT 1 and reads, not writes, so the path was down ${s(detected - truth)} s ` +
      'longer than the probe saw (the stale-writer window).'
    );
  // Open sessions and new logins can see different outages (a paused server freezes its postmaster
  // before its backends and, thawed, serves the sessions it has before the logins queued meanwhile).
  // Detection is what the workload's sessions saw; a client that logs in during the outage saw more.
  if (truth - detected > EXPLAIN_ABOVE_MS)
    return (
      `the workload's open sessions were down ${s(truth - detected, 2)} s less than new connections: ` +
      `the ground-truth probe, one new login per attempt, saw logins fail or go unanswered for ${s(truth, 2)} s. ` +
      'A client that opens connections during the outage, or right after it, sees that figure.'
    );
  return undefined;
}
