/**
 * The HTTP workload's load on one target, measured like a database path (PathMeasurement): every
 * request is started, then served, refused or failed, and ends the path's downtime by the same
 * definition (docs/downtime.md).
 *
 * - Open loop (`ratePerSecond`): request n is due at start + n / rate, whatever the answers. Its
 *   latency and its availability are timed from when it was due, not from when it was sent, so a
 *   stalled service cannot hide behind fewer requests (coordinated omission). At most
 *   `maxInFlight` are in flight: a due request then waits for a slot (counted), and one still
 *   waiting when its timeout has passed is a `timeout` failure, never sent. Memory stays bounded:
 *   a backlog is a count of due requests, not a list.
 * - Closed loop (`workers`): each client sends its next request after an answer and a think time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpRequestTemplate, HttpWorkload } from '../../../shared/http-workload-schema';
import { DEFAULT_HTTP_RATE, requestType } from '../../../shared/http-workload-schema';
import type { ResolvedHttpTarget } from '../../../platform/http-targets';
import type { HttpLoadFigures } from '../../../shared/http-workload-types';
import type { PathMeasurement } from '../measurement/path-measurement';
import { weightedChooser } from '../operations/random-draws';
import { sendRequest, type HttpOutcome } from './http-request';
import { ledgerCode, type HttpLedger } from './http-ledger';
import type { OperationObserver } from '../engine/workload-engine';

export interface HttpLoadOptions {
  target: ResolvedHttpTarget;
  settings: HttpWorkload;
  measurement: PathMeasurement;
  /** Request ids are `<prefix>-<n>`. */
  prefix: string;
  stop: AbortSignal;
  figures: HttpLoadFigures;
  /** The audited request's ledger (`http.audit`), its ids `<ledger prefix>-<n>`. */
  audit?: { request: string; ledger: HttpLedger };
  /** The live metrics (Prometheus), told of every answer. */
  observer?: OperationObserver;
}

/** Once asked to stop, requests in flight get this long to answer before they are cut. */
const STOP_GRACE_MS = 1000;
const MIN_PAUSE_AFTER_FAILURE_MS = 10;

export const newFigures = (target: ResolvedHttpTarget, s: HttpWorkload): HttpLoadFigures => ({
  target: target.name,
  display: target.display,
  ...(s.workers !== undefined
    ? { loop: 'closed' as const, workers: s.workers }
    : { loop: 'open' as const, ratePerSecond: s.ratePerSecond ?? DEFAULT_HTTP_RATE }),
  maxInFlight: s.maxInFlight,
  sent: 0,
  waitedForSlot: 0,
  capReached: 0,
  neverSent: 0,
});

class HttpLoad {
  readonly cut = new AbortController();
  private readonly running = new Set<Promise<HttpOutcome>>();
  private readonly choose: () => HttpRequestTemplate;
  private readonly counters = new Map<string, number>();
  private readonly stopped: Promise<void>;

  constructor(private readonly o: HttpLoadOptions) {
    this.stopped = new Promise((resolve) => o.stop.addEventListener('abort', () => resolve(), { once: true }));
    const { requests } = o.settings;
    this.choose = weightedChooser(
      requests,
      requests.map((r) => r.weight),
    );
  }

  /** Sends one request due at `dueAt` (epoch ms; `duePerf` the same on the monotonic clock) and measures it. */
  private send(dueAt: number, duePerf: number): Promise<HttpOutcome> {
    const { measurement: m, settings } = this.o;
    const request = this.choose();
    const op = { name: request.name, type: requestType(request) };
    const token = m.started(dueAt);
    const { requestId, seq } = this.idFor(request.name);
    const timeoutMs = settings.timeoutMs - (performance.now() - duePerf);
    if (timeoutMs > 0) this.o.figures.sent++;
    else this.o.figures.neverSent++;
    return sendRequest({ target: this.o.target, request, requestId, timeoutMs, cut: this.cut.signal }).then(
      (outcome) => {
        const at = Date.now();
        const latencyUs = (performance.now() - duePerf) * 1000;
        const seen = this.o.observer;
        if (outcome.kind === 'served') {
          m.succeeded(token, op, dueAt, at, latencyUs);
          seen?.succeeded(op.type, latencyUs);
        } else if (outcome.kind === 'refused') {
          m.refused(token, op, at, latencyUs);
          seen?.refused?.(op.type);
        } else if (outcome.kind === 'failed') {
          m.failed(token, op, at, latencyUs, outcome.error);
          seen?.failed(op.type, outcome.error);
        } else m.abandoned(token);
        if (seq !== undefined) this.o.audit!.ledger.record(seq, ledgerCode(outcome));
        return outcome;
      },
    );
  }

  /** The audited request's ids are its ledger's (`<prefix>.<name>-<n>`); any other's `<prefix>-<name>-<n>`. */
  private idFor(name: string): { requestId: string; seq?: number } {
    const audit = this.o.audit;
    const seq = audit?.request === name ? audit.ledger.next() : undefined;
    if (seq !== undefined) return { requestId: `${audit!.ledger.prefix}-${seq}`, seq };
    const n = this.counters.get(name) ?? 0;
    this.counters.set(name, n + 1);
    return { requestId: `${this.o.prefix}-${name}-${n}` };
  }

  private track(run: Promise<HttpOutcome>): void {
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async waitForSlot(): Promise<void> {
    this.o.figures.waitedForSlot++;
    await Promise.race([...this.running, this.stopped]);
  }

  async openLoop(ratePerSecond: number): Promise<void> {
    const intervalMs = 1000 / ratePerSecond;
    const startEpoch = Date.now();
    const startPerf = performance.now();
    let atCap = false;
    let n = 0;
    while (!this.o.stop.aborted) {
      const wait = startPerf + n * intervalMs - performance.now();
      if (wait > 0) await sleep(wait, undefined, { signal: this.o.stop }).catch(() => undefined);
      if (this.o.stop.aborted) break;
      if (this.running.size >= this.o.settings.maxInFlight) {
        if (!atCap) this.o.figures.capReached++;
        atCap = true;
        await this.waitForSlot();
        continue;
      }
      if (wait > 0) atCap = false; // sent on time: the next wait for a slot is a new episode
      this.track(this.send(startEpoch + n * intervalMs, startPerf + n * intervalMs));
      n++;
    }
    // Stopped while behind (every slot taken): the requests due by now that were never sent.
    const behind = Math.floor((performance.now() - startPerf) / intervalMs) + 1 - n;
    if (behind > 0) this.o.figures.unsentAtStop = (this.o.figures.unsentAtStop ?? 0) + behind;
  }

  async closedLoop(workers: number): Promise<void> {
    const { min, max } = this.o.settings.thinkTimeSeconds;
    const client = async () => {
      while (!this.o.stop.aborted) {
        const run = this.send(Date.now(), performance.now());
        this.track(run);
        const outcome = await run;
        let pause = (min + Math.random() * (max - min)) * 1000;
        if (outcome.kind !== 'served') pause = Math.max(pause, MIN_PAUSE_AFTER_FAILURE_MS);
        if (pause > 0) await sleep(pause, undefined, { signal: this.o.stop }).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: workers }, client));
  }

  /** Requests in flight when the stop came get the grace, then are cut (neither served nor failed). */
  cutAfterGrace(): () => void {
    let grace: NodeJS.Timeout | undefined;
    const onStop = () => (grace = setTimeout(() => this.cut.abort(), STOP_GRACE_MS));
    if (this.o.stop.aborted) onStop();
    else this.o.stop.addEventListener('abort', onStop, { once: true });
    return () => {
      clearTimeout(grace);
      this.o.stop.removeEventListener('abort', onStop);
      this.cut.abort();
    };
  }

  async drain(): Promise<void> {
    await Promise.all(this.running);
  }
}

/** Runs the load until `stop`, then drains it. */
export async function runHttpLoad(o: HttpLoadOptions): Promise<void> {
  const load = new HttpLoad(o);
  const { figures } = o;
  const done = load.cutAfterGrace();
  try {
    if (figures.loop === 'closed') await load.closedLoop(figures.workers!);
    else await load.openLoop(figures.ratePerSecond!);
    await load.drain();
  } finally {
    done();
  }
}
