/**
 * pgbench as background load for the length of an experiment (the seed's --enable-pgbench), with the
 * seed's statements and weights. pgbench's clients abort at the first lost connection and pgbench
 * then exits (code 2): it is started again, a second later and again until the experiment ends, and
 * the time it was not running is its own gap. Its per-second progress lines are counted into the
 * experiment's phases, so the report can say what the background load did in each.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OperationType, PgbenchFigures, PgbenchGap } from '../../../shared/workload-types';
import { EXPERIMENT_PHASES, type ExperimentPhase } from '../../../shared/experiment-phases';
import { pgbenchConnection, writePgbenchScripts } from './pgbench-runner';

export interface BackgroundPgbenchOptions {
  connection: string;
  clients: number;
  weights: Record<OperationType, number>;
  phaseOf: () => string;
  signal: AbortSignal;
  /** Figures of an earlier attempt (taken up after a lost worker). */
  resumeFrom?: PgbenchFigures;
}

const RESTART_DELAY_MS = 1000;
/** `progress: 3.0 s, 1543.9 tps, lat 1.941 ms stddev 0.781, 0 failed` (the interval's figures). */
const PROGRESS = /^progress: ([\d.]+) s, ([\d.]+) tps, lat ([\d.]+) ms stddev [\d.NaN]+(?:, (\d+) failed)?/;

export class BackgroundPgbench {
  /** Per phase; notRunningMs holds what earlier attempts counted (this one's comes from its gaps). */
  private readonly byPhase = new Map<string, { transactions: number; failed: number; notRunningMs: number }>();
  private readonly gaps: PgbenchGap[] = [];
  private restarts = 0;
  private lastExit: number | null = null;
  private latencyWeighted = 0;
  private runningSeconds = 0;
  private done: Promise<void> | undefined;

  constructor(private readonly o: BackgroundPgbenchOptions) {
    const r = o.resumeFrom;
    if (r) {
      for (const p of r.byPhase ?? [])
        this.byPhase.set(p.phase, { transactions: p.transactions, failed: p.failed, notRunningMs: p.notRunningMs });
      // Their time is in byPhase already: kept for the record, without a phase to count it again.
      this.gaps.push(
        ...(r.gaps ?? []).map(({ phase: _phase, ...g }) => ({ ...g, end: g.end ?? new Date().toISOString() })),
      );
      this.restarts = (r.restarts ?? 0) + 1;
      this.latencyWeighted = r.latencyAvgMs * r.transactions;
      this.runningSeconds = r.tps > 0 ? r.transactions / r.tps : 0;
      // The worker that ran it was lost: pgbench did not run from then until now.
      this.gaps.push({
        start: new Date().toISOString(),
        end: null,
        exitCode: null,
        cause: 'worker lost',
        phase: o.phaseOf(),
      });
    }
  }

  private phase(name: string) {
    let p = this.byPhase.get(name);
    if (!p) {
      p = { transactions: 0, failed: 0, notRunningMs: 0 };
      this.byPhase.set(name, p);
    }
    return p;
  }

  start(): void {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-pgbench-'));
    try {
      const scriptArgs = await writePgbenchScripts(dir, this.o.weights);
      while (!this.o.signal.aborted) {
        const exitCode = await this.runOnce(scriptArgs);
        this.lastExit = exitCode;
        if (this.o.signal.aborted) break;
        // pgbench gave up (its clients abort when a connection breaks): it is not running from now, or
        // still not (a start that could not connect continues the gap it is in).
        const open = this.gaps[this.gaps.length - 1];
        if (!open || open.end !== null)
          this.gaps.push({
            start: new Date().toISOString(),
            end: null,
            exitCode,
            cause: 'pgbench exited',
            phase: this.o.phaseOf(),
          });
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, RESTART_DELAY_MS);
          this.o.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
        });
        this.restarts++;
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private runOnce(scriptArgs: string[]): Promise<number | null> {
    const c = pgbenchConnection(this.o.connection);
    const args = [
      '-n',
      '-h',
      c.host,
      '-p',
      c.port,
      '-U',
      c.user,
      '-c',
      String(this.o.clients),
      '-j',
      String(Math.min(this.o.clients, os.cpus().length)),
      '-T',
      '86400',
      '--progress=1',
      ...scriptArgs,
      '-M',
      'extended',
      c.database,
    ];
    return new Promise((resolve) => {
      // The password goes through the environment of the child only, never its arguments.
      const child = spawn('pgbench', args, {
        env: { ...process.env, PGPASSWORD: c.password },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let pending = '';
      child.stderr.on('data', (data: Buffer) => {
        pending += data.toString();
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) this.progress(line);
      });
      child.on('error', () => resolve(null));
      child.on('close', (code) => resolve(code));
      const stop = () => child.kill('SIGINT');
      if (this.o.signal.aborted) stop();
      else this.o.signal.addEventListener('abort', stop, { once: true });
    });
  }

  private progress(line: string): void {
    const m = PROGRESS.exec(line);
    if (!m) return;
    const transactions = Math.round(Number(m[2]));
    // Running again once it completes work: a pgbench whose connections hang prints 0 tps lines too.
    const open = this.gaps[this.gaps.length - 1];
    if (open && open.end === null && transactions > 0) open.end = new Date().toISOString();
    const p = this.phase(this.o.phaseOf());
    p.transactions += transactions;
    p.failed += Number(m[4] ?? 0);
    this.latencyWeighted += Number(m[3]) * transactions;
    this.runningSeconds += 1;
  }

  /** Figures so far (and, once stopped, in all). */
  figures(): PgbenchFigures {
    const now = Date.now();
    const gaps = this.gaps.map((g) => ({ ...g }));
    const gapMs = (g: PgbenchGap) => (g.end ? Date.parse(g.end) : now) - Date.parse(g.start);
    // Time not running, by the phase the gap began in.
    const notRunning = new Map<string, number>();
    for (const g of gaps) if (g.phase) notRunning.set(g.phase, (notRunning.get(g.phase) ?? 0) + gapMs(g));
    const transactions = [...this.byPhase.values()].reduce((n, p) => n + p.transactions, 0);
    const failed = [...this.byPhase.values()].reduce((n, p) => n + p.failed, 0);
    return {
      clients: this.o.clients,
      transactions,
      failed,
      tps: this.runningSeconds > 0 ? Math.round((transactions / this.runningSeconds) * 10) / 10 : 0,
      latencyAvgMs: transactions > 0 ? Math.round((this.latencyWeighted / transactions) * 1000) / 1000 : 0,
      exitCode: this.lastExit,
      restarts: this.restarts,
      notRunningMs: gaps.reduce((sum, g) => sum + gapMs(g), 0),
      // Every phase it ran or was not running in (a gap may begin in a phase pgbench printed nothing in).
      byPhase: phasesInOrder([...this.byPhase.keys(), ...notRunning.keys()]).map((phase) => {
        const p = this.byPhase.get(phase) ?? { transactions: 0, failed: 0, notRunningMs: 0 };
        return {
          phase,
          transactions: p.transactions,
          failed: p.failed,
          notRunningMs: p.notRunningMs + (notRunning.get(phase) ?? 0),
        };
      }),
      gaps,
    };
  }

  /** Stops pgbench (the signal does) and returns its figures. */
  async stopped(): Promise<PgbenchFigures> {
    await this.done;
    return this.figures();
  }
}

/** The phases named, each once, in the experiment's order. */
function phasesInOrder(phases: string[]): string[] {
  const order = (phase: string) => EXPERIMENT_PHASES.indexOf(phase as ExperimentPhase);
  return [...new Set(phases)].sort((a, b) => order(a) - order(b));
}
