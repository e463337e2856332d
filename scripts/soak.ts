/**
 * The soak (issue 8): a 10-minute experiment at 64 clients with a fault every 125 s, on the lab
 * (`closed-loop`: 16 clients without think time or fault, for the engine's memory, issue 3;
 * `write-heavy`: the same with half the operations writes and 30 % purchases, every one of them in
 * the business-write ledger and audited at the end; `write-heavy-unaudited`: the same without
 * them, to compare with).
 * Samples the faultline worker's resident memory every 10 s, counts the workflow's history events
 * and the worker's unhandled rejections, and prints the figures; its last line is one JSON object.
 *
 *   bash scripts/soak.sh [faults|closed-loop]   (starts the lab if needed; about 11 minutes)
 */
import { readFileSync } from 'node:fs';
import { runningProcess, logFile } from '../src/lab/background-process';
import { METRICS_HOST, metricsPorts } from '../src/platform/metrics-settings';
import { connectClient } from '../src/platform/temporal-connection';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE } from '../src/shared/experiment-contract';
import type { ExperimentResult } from '../src/shared/experiment-types';

/** 16 clients without think time for 10 minutes, half the operations writes and 30 % purchases; `audited`: the business-write ledger on. */
function writeHeavy(name: string, description: string, audited: boolean) {
  return {
    name,
    description,
    paths: ['direct'],
    workload: {
      concurrentWorkers: 16,
      poolSize: 16,
      thinkTimeSeconds: { min: 0, max: 0 },
      weights: { read: 20, write: 50, transaction: 30 },
      writeAudit: { enabled: audited },
    },
    durations: { warmupSeconds: 20, faultSeconds: 580, recoveryTimeoutSeconds: 60 },
    steadyState: { minSuccessRate: 0.99, maxP99Ms: 2000, windowSeconds: 3 },
    report: { directory: 'reports' },
  };
}

/** The soaks: repeated faults at 64 clients (issue 8), and closed loop at 16 clients without a fault (issue 3). */
const DEFINITIONS = {
  faults: {
    name: 'soak-64-clients',
    description: 'Issue 8 soak: 64 clients for 10 minutes, the db stopped for 20 s every 125 s, five times.',
    paths: ['direct'],
    workload: { concurrentWorkers: 64, poolSize: 20, thinkTimeSeconds: { min: 0.1, max: 0.5 } },
    fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' }, gracePeriodSeconds: 1 },
    repeat: { times: 5, everySeconds: 125 },
    durations: { warmupSeconds: 80, faultSeconds: 20, recoveryTimeoutSeconds: 60 },
    steadyState: { minSuccessRate: 0.99, maxP99Ms: 2000, windowSeconds: 3 },
    report: { directory: 'reports' },
  },
  'closed-loop': {
    name: 'soak-closed-loop-16',
    description: 'Issue 3: the engine closed loop (no think time) at 16 clients for 10 minutes, no fault.',
    paths: ['direct'],
    workload: { concurrentWorkers: 16, poolSize: 16, thinkTimeSeconds: { min: 0, max: 0 } },
    durations: { warmupSeconds: 20, faultSeconds: 580, recoveryTimeoutSeconds: 60 },
    steadyState: { minSuccessRate: 0.99, maxP99Ms: 2000, windowSeconds: 3 },
    report: { directory: 'reports' },
  },
  'write-heavy': writeHeavy(
    'soak-write-heavy-16',
    'Issue 30: 16 clients closed loop for 10 minutes, 50 % writes and 30 % purchases, all audited.',
    true,
  ),
  'write-heavy-unaudited': writeHeavy(
    'soak-write-heavy-16-unaudited',
    'The write-heavy soak without the business-write ledger and audit, to compare with.',
    false,
  ),
} as const;
const variant = (process.argv[2] ?? 'faults') as keyof typeof DEFINITIONS;
if (!(variant in DEFINITIONS)) throw new Error(`usage: soak.ts [${Object.keys(DEFINITIONS).join('|')}]`);
const definition = DEFINITIONS[variant];

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 102.4) / 10;
}

interface HeapFigures {
  usedMb: number;
  totalMb: number;
  externalMb: number;
}

/** The worker's V8 heap and external memory, from its own metrics (what of the RSS is JavaScript's). */
async function heapFigures(): Promise<HeapFigures | undefined> {
  const text = await fetch(`http://${METRICS_HOST}:${metricsPorts().faultline}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const mb = (name: string) => {
    const m = new RegExp(`^faultline_worker_${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    return m ? Math.round(Number(m[1]) / 104857.6) / 10 : NaN;
  };
  const figures = {
    usedMb: mb('nodejs_heap_size_used_bytes'),
    totalMb: mb('nodejs_heap_size_total_bytes'),
    externalMb: mb('nodejs_external_memory_bytes'),
  };
  return Number.isNaN(figures.usedMb) ? undefined : figures;
}

const countUnhandled = () =>
  (readFileSync(logFile('faultline-worker'), 'utf8').match(/unhandled rejection/gi) ?? []).length;

async function main(): Promise<void> {
  const worker = runningProcess('faultline-worker');
  if (!worker) throw new Error('the faultline worker is not running: run `bin/faultline up` first');
  const client = await connectClient();
  const unhandledBefore = countUnhandled();
  const workflowId = `${definition.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const started = Date.now();
  const handle = await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
    taskQueue: EXPERIMENT_TASK_QUEUE,
    workflowId,
    args: [definition],
  });
  process.stdout.write(`soak: ${workflowId} started; worker pid ${worker.pid}\n`);
  const samples: Array<{ s: number; rssMb: number; heap?: HeapFigures }> = [];
  const sample = async () => {
    const s = Math.round((Date.now() - started) / 1000);
    const rss = rssMb(worker.pid);
    const heap = await heapFigures();
    samples.push({ s, rssMb: rss, ...(heap ? { heap } : {}) });
    const js = heap ? `; JS heap ${heap.usedMb} MB used of ${heap.totalMb} MB, external ${heap.externalMb} MB` : '';
    process.stdout.write(`soak: t=${s}s worker RSS ${rss} MB${js}\n`);
  };
  await sample();
  const timer = setInterval(() => void sample(), 10_000);
  let result: ExperimentResult;
  try {
    result = (await handle.result()) as ExperimentResult;
  } finally {
    clearInterval(timer);
  }
  await sample();
  const events = (await handle.fetchHistory()).events?.length ?? 0;
  const firstMinute = samples.filter((x) => x.s >= 60 && x.s < 120).map((x) => x.rssMb);
  const lastMinute = samples.slice(-6).map((x) => x.rssMb);
  const avg = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 10) / 10;
  const figures = {
    workflowId,
    verdict: result.verdict,
    durationS: Math.round((Date.now() - started) / 1000),
    historyEvents: events,
    unhandledRejections: countUnhandled() - unhandledBefore,
    workerPidUnchanged: runningProcess('faultline-worker')?.pid === worker.pid,
    rssMb: {
      min: Math.min(...samples.map((x) => x.rssMb)),
      max: Math.max(...samples.map((x) => x.rssMb)),
      secondMinuteAvg: avg(firstMinute),
      lastMinuteAvg: avg(lastMinute),
      /** Growth after the first minute: the highest sample after it against the second minute's average. */
      growthAfterFirstMinutePct:
        Math.round((Math.max(...samples.filter((x) => x.s >= 60).map((x) => x.rssMb)) / avg(firstMinute) - 1) * 1000) /
        10,
    },
    /** The JS heap at the second minute's last sample and at the end: how much of the growth is JavaScript's. */
    heapMb: {
      secondMinute: samples.filter((x) => x.s < 120).at(-1)?.heap ?? null,
      end: samples.at(-1)?.heap ?? null,
    },
    downtimeMs: result.downtimeMs,
    report: result.report.json,
  };
  process.stdout.write(`soak: verdict ${figures.verdict} (${result.verdictReason})\n`);
  process.stdout.write(
    `soak: ${events} history events, ${figures.unhandledRejections} unhandled rejections, worker RSS ${figures.rssMb.min}-${figures.rssMb.max} MB (2nd minute avg ${figures.rssMb.secondMinuteAvg}, last minute avg ${figures.rssMb.lastMinuteAvg})\n`,
  );
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  await client.connection.close();
  const ok = events < 300 && figures.unhandledRejections === 0 && figures.workerPidUnchanged;
  process.exitCode = ok ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`soak: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
