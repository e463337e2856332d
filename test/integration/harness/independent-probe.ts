/**
 * A probe that shares no code with faultline's measurement: a plain pg client opens a fresh
 * connection and runs `SELECT 1` every 10-20 ms on one path, attempts overlapping, and keeps every
 * attempt. Judged offline by test/reference/availability-reference.ts. At most 4 attempts younger
 * than 250 ms are outstanding, and 6 in all: a few attempts stuck on a lost SYN (docker-proxy dials
 * the container and waits the kernel's 1 s retransmit) do not stop the next ones, and a paused server
 * does not collect hundreds of connections in its accept queue.
 * The TCP handshake may take 250 ms at most: a SYN lost while the server's port comes back costs
 * the kernel's 1 s retransmit, which would measure the client's kernel, not the server. Login and
 * query may take a minute (held is a stall, not a failure; giving up on logins would fill a paused
 * server's accept queue with dead connections).
 */
import net from 'node:net';
import { Client, type ClientConfig } from 'pg';
import { labPorts } from '../../../src/platform/connections';
import { labSettings } from '../../../src/platform/settings';
import type { Attempt } from '../../reference/availability-reference';
import { cutSocket, labClientConfig } from './lab-client';

const MAX_YOUNG = 4;
const YOUNG_MS = 250;
const MAX_OUTSTANDING = 6;
const HANDSHAKE_MS = 250;
const ATTEMPT_TIMEOUT_MS = 60_000;

function handshakeLimitedSocket(): net.Socket {
  const socket = new net.Socket();
  const timer = setTimeout(() => socket.destroy(new Error('TCP handshake over 250 ms')), HANDSHAKE_MS);
  socket.once('connect', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
  return socket;
}

/** A lab path by name, or any server: host, port, user, password and database of its own. */
function clientConfig(target: string | ClientConfig): ClientConfig {
  const limits = {
    stream: handshakeLimitedSocket,
    connectionTimeoutMillis: ATTEMPT_TIMEOUT_MS,
    query_timeout: ATTEMPT_TIMEOUT_MS,
    application_name: 'independent-probe',
  };
  if (typeof target !== 'string') return { ...target, ...limits };
  const port = labPorts(labSettings())[target];
  if (port === undefined) throw new Error(`the independent probe knows the lab's paths only, not "${target}"`);
  return labClientConfig(port, limits, 'workload');
}

export interface ProbeLimits {
  maxYoung: number;
  maxOutstanding: number;
  /**
   * Gives up on an attempt outstanding this long: it is recorded as failed then and its socket
   * destroyed, so that the probe goes on probing. It was bad already (held past the threshold), and
   * a later success closes its window, so giving up never shortens a window. Without it, attempts
   * held by a proxy on a dead server fill `maxOutstanding` and the probe goes blind.
   */
  abandonAfterMs?: number;
}

export class IndependentProbe {
  readonly attempts: Attempt[] = [];
  private readonly outstanding = new Map<Client, Attempt>();
  private stopped = false;
  private loop: Promise<void>;

  constructor(
    readonly path: string,
    /** What each attempt runs: `SELECT 1`, or a write (`SELECT txid_current()` fails on a read-only server). */
    readonly sql = 'SELECT 1',
    /** Attempts open at once (6 spares a paused server's accept queue), and when to give one up. */
    private readonly limits: ProbeLimits = { maxYoung: MAX_YOUNG, maxOutstanding: MAX_OUTSTANDING },
    /** A server outside the lab (then `path` only names it). */
    private readonly server?: ClientConfig,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const now = Date.now();
      this.abandonOld(now);
      const young = [...this.outstanding.values()].filter((a) => now - a.start < YOUNG_MS).length;
      if (young < this.limits.maxYoung && this.outstanding.size < this.limits.maxOutstanding) this.attempt();
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 10));
    }
  }

  private attempt(): void {
    const record: Attempt = { start: Date.now(), end: null, ok: false };
    this.attempts.push(record);
    const client = new Client(clientConfig(this.server ?? this.path));
    client.on('error', () => undefined);
    this.outstanding.set(client, record);
    client
      .connect()
      .then(() => client.query(this.sql))
      .then(
        () => {
          if (!this.stopped && record.end === null) Object.assign(record, { end: Date.now(), ok: true });
        },
        () => {
          if (!this.stopped && record.end === null) Object.assign(record, { end: Date.now(), ok: false });
        },
      )
      .finally(() => {
        this.outstanding.delete(client);
        void client.end().catch(() => undefined);
      });
  }

  private abandonOld(now: number): void {
    const limit = this.limits.abandonAfterMs;
    if (limit === undefined) return;
    for (const [client, record] of this.outstanding) {
      if (now - record.start < limit) continue;
      Object.assign(record, { end: now, ok: false });
      this.outstanding.delete(client);
      cutSocket(client);
    }
  }

  /** Stops probing; attempts still outstanding stay open (end null). Returns when it stopped. */
  async stop(): Promise<number> {
    this.stopped = true;
    await this.loop;
    const at = Date.now();
    for (const client of this.outstanding.keys()) void client.end().catch(() => undefined);
    return at;
  }
}
