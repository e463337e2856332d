/**
 * A probe that uses the database the way a service with a connection pool does, and shares no code
 * with faultline's workload: a few plain pg clients, each keeping its session and running the
 * probe's statement every 10-20 ms; a session that fails (or is held `giveUpAfterMs`) is dropped
 * and the next attempt opens a new one (its login is part of that attempt). Every attempt is kept
 * and judged offline by test/reference/availability-reference.ts, like IndependentProbe's.
 *
 * Why both: a fresh connection per attempt sees what a new client sees (a server shutting down
 * refuses logins before it ends the sessions it has; a node catching up slows logins), a session
 * sees what the workload's pooled connections see. A report's detected downtime is the workload's,
 * so it is held to this probe; the report's ground truth (fresh connections) to IndependentProbe.
 */
import { Client } from 'pg';
import { labPorts } from '../../../src/platform/connections';
import { labSettings } from '../../../src/platform/settings';
import type { Attempt } from '../../reference/availability-reference';
import { cutSocket, labClientConfig } from './lab-client';

export class SessionProbe {
  readonly attempts: Attempt[] = [];
  private stopped = false;
  private readonly loops: Array<Promise<void>>;
  private readonly clients = new Set<Client>();
  private readonly options: { sessions: number; giveUpAfterMs: number };

  constructor(
    readonly path: string,
    readonly sql = 'SELECT 1',
    options: { sessions?: number; giveUpAfterMs?: number } = {},
  ) {
    this.options = { sessions: options.sessions ?? 4, giveUpAfterMs: options.giveUpAfterMs ?? 3000 };
    this.loops = Array.from({ length: this.options.sessions }, () => this.session());
  }

  private connect(): Client {
    const lab = labSettings();
    const port = labPorts(lab)[this.path];
    if (port === undefined) throw new Error(`the session probe knows the lab's paths only, not "${this.path}"`);
    const client = new Client(labClientConfig(port, { application_name: 'session-probe' }, 'workload'));
    client.on('error', () => undefined);
    this.clients.add(client);
    return client;
  }

  private drop(client: Client): void {
    this.clients.delete(client);
    cutSocket(client);
  }

  private async session(): Promise<void> {
    let client: Client | undefined;
    let connected: Promise<unknown> | undefined;
    while (!this.stopped) {
      const record: Attempt = { start: Date.now(), end: null, ok: false };
      this.attempts.push(record);
      if (!client) {
        client = this.connect();
        connected = client.connect();
      }
      const current = client;
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<'gave-up'>((resolve) => {
        timer = setTimeout(() => resolve('gave-up'), this.options.giveUpAfterMs);
      });
      const outcome = await Promise.race([
        connected!
          .then(() => current.query(this.sql))
          .then(
            () => 'ok' as const,
            () => 'failed' as const,
          ),
        giveUp,
      ]);
      clearTimeout(timer);
      if (this.stopped) break; // an attempt cut short by the stop stays outstanding (end null)
      Object.assign(record, { end: Date.now(), ok: outcome === 'ok' });
      if (outcome !== 'ok') {
        this.drop(current);
        client = undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 10));
    }
  }

  async stop(): Promise<number> {
    this.stopped = true;
    const at = Date.now();
    for (const client of this.clients) this.drop(client);
    await Promise.all(this.loops);
    return at;
  }
}
