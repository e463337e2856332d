/**
 * A real Prometheus server for a test: Debian's binary (`/usr/bin/prometheus`, installed by
 * scripts/provision.sh; FAULTLINE_PROMETHEUS elsewhere), on 127.0.0.1 and a free port, its TSDB in
 * a temporary folder, scraping the given targets every second; read back through its HTTP API.
 * Its log goes to test-artifacts/prometheus.log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from './free-port';
import os from 'node:os';
import path from 'node:path';

const BINARY = process.env.FAULTLINE_PROMETHEUS || '/usr/bin/prometheus';
const ARTIFACTS = path.resolve(__dirname, '..', '..', '..', 'test-artifacts');

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

interface TargetsAnswer {
  activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  /** Starts it scraping `jobs` (job name -> `host:port` targets) every second; resolves when it is ready. */
  static async start(jobs: Record<string, string[]>): Promise<PrometheusServer> {
    if (!existsSync(BINARY))
      throw new Error(
        `Prometheus's server is missing at ${BINARY}: run \`bash scripts/provision.sh\` (installs Debian's prometheus package)`,
      );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'faultline-prometheus-'));
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      ...Object.entries(jobs).flatMap(([job, targets]) => [
        `  - job_name: ${job}`,
        '    static_configs:',
        `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
      ]),
    ].join('\n');
    writeFileSync(path.join(dir, 'prometheus.yml'), `${config}\n`);
    const port = await freePort();
    mkdirSync(ARTIFACTS, { recursive: true });
    const log = openSync(path.join(ARTIFACTS, 'prometheus.log'), 'w');
    const child = spawn(
      BINARY,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, child, dir);
    await server.waitReady();
    return server;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null)
        throw new Error(`prometheus exited (${this.child.exitCode}); see test-artifacts/prometheus.log`);
      const ready = await fetch(`${this.url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await sleep(200);
    }
    throw new Error('prometheus not ready within 20 s; see test-artifacts/prometheus.log');
  }

  /** An instant query; the samples it found (none is an empty array). */
  async query(expr: string): Promise<PromSample[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const answer = (await response.json()) as ApiAnswer<{ result: PromSample[] }>;
    if (answer.status !== 'success') throw new Error(`prometheus query ${expr}: ${answer.error}`);
    return answer.data.result;
  }

  /** The first sample's value, or undefined when the query found none. */
  async value(expr: string): Promise<number | undefined> {
    const [first] = await this.query(expr);
    return first ? Number(first.value[1]) : undefined;
  }

  /** Waits until every target of `job` was scraped successfully; fails with their last errors. */
  async waitTargetUp(job: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.value(`min(up{job="${job}"})`)) === 1) return;
      await sleep(250);
    }
    const targets = (await (await fetch(`${this.url}/api/v1/targets`)).json()) as ApiAnswer<TargetsAnswer>;
    const errors = targets.data.activeTargets
      .filter((t) => t.labels.job === job)
      .map((t) => `${t.scrapeUrl}: ${t.health} ${t.lastError}`);
    throw new Error(`prometheus could not scrape job ${job} within ${timeoutMs} ms: ${errors.join('; ')}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      const killed = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
