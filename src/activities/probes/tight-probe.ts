/**
 * The ground-truth probe: on each path, a fresh connection and `SELECT 1` every 20 ms, attempts
 * overlapping (a stalled attempt does not delay the next one: at most 4 attempts younger than 250 ms
 * are outstanding per path, and 6 that reached the server), each judged by the same definition of
 * availability as the workload, per round trip: an attempt that fails, or one of whose round trips
 * (the TCP handshake, each exchange of the login, the query) has no answer within the stall
 * threshold, is down; one whose every round trip was answered in time is up, however long the whole
 * login took. So the ground truth of when the target went down and when it served again is at least
 * as fine as the detection it judges, and a slow target (added latency) is not a down one. How long
 * logins and the query took is recorded beside, per path, and which server the query ran on
 * (`inet_server_addr()`): the moment a path's endpoint sent fresh connections to a new writer.
 * A SYN lost while the server's port comes back costs the kernel's 1 s retransmit for that attempt
 * only: the next attempts, 20 ms apart, see the server as soon as it accepts. A probe that gave up on
 * logins instead would leave a dead connection in a paused server's accept queue every 20 ms, and
 * the server would spend its first second back forking backends for them.
 */
import { Client } from 'pg';
import { resolveConnection } from '../../platform/connections';
import { PROBE_CONNECTED_LOGINS } from '../../shared/connection-demand';
import { fastFailingSocket } from '../../platform/database/fast-failing-socket';
import { AvailabilityDetector } from '../workload/measurement/availability-detector';
import { ProbeTimings, type ProbeTimingSummary } from './probe-timings';
import { SERVER_QUERY, ServerRouting, type Routed } from './server-routing';

/** What the probe saw of one path so far (times in ms since the epoch). */
export interface PathProbeState {
  downAt: number | null;
  servingAt: number | null;
  downMs: number;
  /** The first successful attempt that reached another server than the path's first one did. */
  routed: Routed | null;
  /** The window open now: when it started, and the earlier windows added up. */
  open: { since: number; earlierMs: number } | null;
  timings: ProbeTimingSummary;
}

export interface TightProbeOptions {
  stallThresholdMs: number;
  intervalMs?: number;
}

interface PathProbe {
  connection: string;
  detector: AvailabilityDetector;
  /** Outstanding attempts, when each started and whether its TCP handshake completed. */
  outstanding: Map<Client, { startedAt: number; connected: boolean }>;
  firstSuccessEnd: number | null;
  timings: ProbeTimings;
  servers: ServerRouting;
}

const DEFAULT_INTERVAL_MS = 20;
/**
 * Attempts younger than YOUNG_MS, attempts whose connection reached the server (it may sit in a
 * paused server's accept queue), and all attempts, outstanding at most per path.
 */
const MAX_YOUNG = 4;
const YOUNG_MS = 250;
const MAX_CONNECTED = PROBE_CONNECTED_LOGINS;
const MAX_OUTSTANDING = 64;

export class TightProbe {
  private readonly paths: PathProbe[];
  private timer: NodeJS.Timeout | undefined;
  readonly startedAt = Date.now();
  /** Only attempts started from here on are timed (`timeFrom`): the fault's, not the healthy target's before it. */
  private timedFrom = 0;

  constructor(
    connections: string[],
    private readonly options: TightProbeOptions,
  ) {
    this.paths = connections.map((connection) => ({
      connection,
      detector: new AvailabilityDetector({ stallThresholdMs: options.stallThresholdMs }),
      outstanding: new Map(),
      firstSuccessEnd: null,
      timings: new ProbeTimings(),
      servers: new ServerRouting(),
    }));
    const interval = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    // A round runs after the I/O that came in since the timer was due: after a block of this process's
    // event loop, answers that arrived during it restart their stall clocks before the round's tick
    // looks at them (a stall of faultline's own is not the server's).
    this.timer = setInterval(() => setImmediate(() => this.timer && this.round()), interval);
    this.round();
  }

  private round(): void {
    const now = Date.now();
    for (const path of this.paths) {
      path.detector.tick(now);
      let young = 0;
      let connected = 0;
      for (const a of path.outstanding.values()) {
        if (now - a.startedAt < YOUNG_MS) young++;
        if (a.connected) connected++;
      }
      if (young < MAX_YOUNG && connected < MAX_CONNECTED && path.outstanding.size < MAX_OUTSTANDING)
        void this.attempt(path);
    }
  }

  private async attempt(path: PathProbe): Promise<void> {
    // Long enough to see a held login or query as a stall rather than as a timeout (both are down; a stall says more).
    const timeout = Math.max(10_000, this.options.stallThresholdMs * 3);
    const startedAt = Date.now();
    const token = path.detector.started(startedAt);
    const state = { startedAt, connected: false };
    // Every answer of the server (the handshake's, each message of the login and the query) restarts the stall clock.
    const answered = () => path.detector.answered(token, Date.now());
    const socketOf = fastFailingSocket(this.options.stallThresholdMs); // the handshake is one round trip too
    const client = new Client({
      ...resolveConnection(path.connection).pool,
      stream: () => {
        const socket = socketOf();
        socket.once('connect', () => {
          state.connected = true;
          answered();
        });
        socket.on('data', answered);
        return socket;
      },
      connectionTimeoutMillis: timeout,
      query_timeout: timeout,
      application_name: 'faultline-probe',
    });
    client.on('error', () => undefined);
    path.outstanding.set(client, state);
    let loggedInAt: number | null = null;
    try {
      await client.connect();
      loggedInAt = Date.now();
      const { rows } = await client.query<{ server: string }>(SERVER_QUERY);
      const at = Date.now();
      path.detector.succeeded(token, at);
      if (startedAt >= this.timedFrom) path.timings.record(loggedInAt - startedAt, at - loggedInAt);
      path.firstSuccessEnd ??= at;
      path.servers.saw(rows[0]?.server ?? 'local', at);
    } catch {
      if (this.timer) {
        path.detector.failed(token, Date.now());
        if (startedAt >= this.timedFrom) path.timings.failed(loggedInAt === null ? 'login' : 'query');
      } else path.detector.abandoned(token); // cut by stop()
    } finally {
      path.outstanding.delete(client);
      void client.end().catch(() => undefined);
    }
  }

  /**
   * Times only the attempts that start from `at` on (the fault's action done): the logins and round
   * trips of a slow target, not of the healthy one the probe met while the action was under way.
   * The first call decides; later ones change nothing.
   */
  timeFrom(at: number): void {
    if (this.timedFrom > 0) return;
    this.timedFrom = at;
    for (const p of this.paths) p.timings = new ProbeTimings();
  }

  /** The earliest start of unavailability seen on any path, if any. */
  downSince(): number | null {
    const starts = this.paths.flatMap((p) => p.detector.snapshot().windows.map((w) => w.start));
    return starts.length ? Math.min(...starts) : null;
  }

  /** Every path has been seen down at least once (a fault that degrades a target: glitches under loss). */
  everyPathSeenDown(): boolean {
    return this.paths.every((p) => p.detector.snapshot().windows.length > 0);
  }

  /**
   * Every path is down now (a fault that takes the target down). Not merely seen down once: a blip
   * that closed before the outage reached a path (a stall is seen only a threshold after its attempt
   * started) does not end the watch.
   */
  everyPathDown(): boolean {
    return this.paths.every((p) => p.detector.down);
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

  /**
   * Per path: when it was first seen down, when it served again (see servingSince), how long logins
   * and the query took, and, when it is down now, since when and how long its earlier windows were.
   */
  perPath(): Record<string, PathProbeState> {
    const now = Date.now();
    return Object.fromEntries(
      this.paths.map((p) => {
        const windows = p.detector.snapshot().windows;
        const last = windows[windows.length - 1];
        const servingAt = p.detector.down || p.firstSuccessEnd === null ? null : last ? last.end! : p.firstSuccessEnd;
        const downMs = p.detector.totalMs(now);
        const open = last && last.end === null ? { since: last.start, earlierMs: downMs - (now - last.start) } : null;
        const state = {
          downAt: windows[0]?.start ?? null,
          servingAt,
          downMs,
          routed: p.servers.routed,
          open,
          timings: p.timings.summary(),
        };
        return [p.connection, state];
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
