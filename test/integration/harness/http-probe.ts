/**
 * An HTTP probe that shares no code with faultline's HTTP workload: node:http (not fetch), its own
 * loop, its own ids. It POSTs a payment to the lab's Flask service every 50 ms, attempts
 * overlapping (at most 64 outstanding; beyond, a beat is skipped), and keeps every attempt, judged
 * offline by test/reference/availability-reference.ts: served is 200 or 201.
 */
import http from 'node:http';
import { labSettings } from '../../../src/platform/settings';
import type { Attempt } from '../../reference/availability-reference';

const EVERY_MS = 50;
const MAX_OUTSTANDING = 64;
const TIMEOUT_MS = 30_000;

export class HttpProbe {
  readonly attempts: Attempt[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly outstanding = new Set<Promise<void>>();
  private n = 0;

  constructor(
    private readonly prefix: string,
    private readonly port = labSettings().flaskPort,
  ) {
    this.timer = setInterval(() => this.beat(), EVERY_MS);
  }

  private beat(): void {
    if (this.outstanding.size >= MAX_OUTSTANDING) return;
    const attempt: Attempt = { start: Date.now(), end: null, ok: false };
    this.attempts.push(attempt);
    const body = JSON.stringify({ order_id: `${this.prefix}-${this.n++}`, amount: 1.23 });
    const done = new Promise<void>((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path: '/payment',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: TIMEOUT_MS,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            attempt.end = Date.now();
            attempt.ok = res.statusCode === 200 || res.statusCode === 201;
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        attempt.end = Date.now();
        resolve();
      });
      req.end(body);
    });
    this.outstanding.add(done);
    void done.then(() => this.outstanding.delete(done));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.outstanding);
  }
}
