/**
 * The ground-truth probe: on each path, a fresh connection and `SELECT 1` every 20 ms, attempts
 * overlapping (a stalled attempt does not delay the next one: at most 4 attempts younger than 250 ms
 * and 6 in all are outstanding per path), each judged by the same definition of availability as
 * the workload. So the ground truth of when the
 * target went down and when it served again is at least as fine as the detection it judges.
 * The TCP connect may take 250 ms at most (a SYN lost while the port comes back would cost the
 * kernel's 1 s retransmit: that measures the client's kernel, not the target); the login and the
 * query may take long (held is a stall, and the detector sees it as one). A probe that gave up on
 * logins instead would leave a dead connection in a paused server's accept queue every 20 ms, and
 * the server would spend its first second back forking backends for them.
 */
import { Client } from 'pg';
import { resolveConnection } from '../../platform/connections';
import { fastFailingSocket } from '../../platform/database/fast-failing-socket';
import { AvailabilityDetector } from '../workload/availability-detector';

export interface TightProbeOptions {
  stallThresholdMs: number;
  intervalMs?: number;
}

interface PathProbe {
  connection: string;
  detector: AvailabilityDetector;
  /** Outstanding attempts and when each started. */
  outstanding: Map<Client, number>;
  firstSuccessEnd: number | null;
}

const DEFAULT_INTERVAL_MS = 20;
/** Attempts younger than YOUNG_MS, and all attempts, outstanding at most per path. */
const MAX_YOUNG = 4;
const YOUNG_MS = 250;
const MAX_OUTSTANDING = 6;

export class TightProbe {
  private readonly paths: PathProbe[];
  private timer: NodeJS.Timeout | undefined;
  readonly startedAt = Date.now();

  constructor(
    connections: string[],
    private readonly options: TightProbeOptions,
  ) {
    this.paths = connections.map((connection) => ({
      connection,
      detector: new AvailabilityDetector({ stallThresholdMs: options.stallThresholdMs }),
      outstanding: new Map(),
      firstSuccessEnd: null,
    }));
    const interval = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.timer = setInterval(() => this.round(), interval);
    this.round();
  }

  private round(): void {
    const now = Date.now();
    for (const path of this.paths) {
      path.detector.tick(now);
      let young = 0;
      for (const started of path.outstanding.values()) if (now - started < YOUNG_MS) young++;
      if (young < MAX_YOUNG && path.outstanding.size < MAX_OUTSTANDING) void this.attempt(path);
    }
  }

  private async attempt(path: PathProbe): Promise<void> {
    // Long enough to see a held login or query as a stall rather than as a timeout (both are down; a stall says more).
    const timeout = Math.max(10_000, this.options.stallThresholdMs * 3);
    const client = new Client({
      ...resolveConnection(path.connection).pool,
      stream: fastFailingSocket(),
      connectionTimeoutMillis: timeout,
      query_timeout: timeout,
      application_name: 'faultline-probe',
    });
    client.on('error', () => undefined);
    const startedAt = Date.now();
    path.outstanding.set(client, startedAt);
    const token = path.detector.started(startedAt);
    try {
      await client.connect();
      await client.query('SELECT 1');
      const at = Date.now();
      path.detector.succeeded(token, at);
      path.firstSuccessEnd ??= at;
    } catch {
      if (this.timer) path.detector.failed(token, Date.now());
      else path.detector.abandoned(token); // cut by stop()
    } finally {
      path.outstanding.delete(client);
      void client.end().catch(() => undefined);
    }
  }

  /** The earliest start of unavailability seen on any path, if any. */
  downSince(): number | null {
    const starts = this.paths.flatMap((p) => p.detector.snapshot().windows.map((w) => w.start));
    return starts.length ? Math.min(...starts) : null;
  }

  /** Every path has been seen down at least once. */
  everyPathSeenDown(): boolean {
    return this.paths.every((p) => p.detector.snapshot().windows.length > 0);
  }

  /**
   * When every path served again: each path is up (no open window) and has completed a query; the
   * time is the latest end of a window or, on a path that never went down, its first success.
   */
  servingSince(): number | null {
    let latest = 0;
    for (const p of this.paths) {
      const windows = p.detector.snapshot().windows;
      if (p.detector.down || p.firstSuccessEnd === null) return null;
      latest = Math.max(latest, windows.length ? windows[windows.length - 1]!.end! : p.firstSuccessEnd);
    }
    return latest;
  }

  /** Per path: when it was first seen down, and when it served again (see servingSince), if seen. */
  perPath(): Record<string, { downAt: number | null; servingAt: number | null }> {
    return Object.fromEntries(
      this.paths.map((p) => {
        const windows = p.detector.snapshot().windows;
        const last = windows[windows.length - 1];
        const servingAt = p.detector.down || p.firstSuccessEnd === null ? null : last ? last.end! : p.firstSuccessEnd;
        return [p.connection, { downAt: windows[0]?.start ?? null, servingAt }];
      }),
    );
  }

  /** Polls `check` every 10 ms until it answers a time, or the timeout; then the answer or null. */
  async waitFor(check: () => number | null, timeoutMs: number, onWait?: () => void): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = check();
      if (at !== null || Date.now() > deadline) return at;
      onWait?.();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const p of this.paths) for (const client of p.outstanding.keys()) void client.end().catch(() => undefined);
  }
}
