/** The whole lab: `faultline up`, `faultline down` (its doctor is doctor.ts). */
import { PAYMENT_TASK_QUEUE } from '../shared/names';
import { EXPERIMENT_TASK_QUEUE } from '../shared/experiment-contract';
import { runningProcess } from './background-process';
import { waitClusterReady } from './cluster-lab';
import { startStack, stopStack } from './docker-stack';
import { labSettings } from '../platform/settings';
import { labTemporalTarget } from '../platform/temporal-target';
import { metricsPorts } from '../platform/metrics-settings';
import { ensureSearchAttributes } from './search-attributes';
import { heldLocks, heldLocksText, onLabContainers, type HeldLock } from './held-locks';
import { startTemporalDevServer, stopTemporalDevServer } from './temporal-dev-server';
import { startWorker, stopWorker, type WorkerSpec } from './worker-processes';
import { ensureWorkloadRole } from './workload-role';
import { stopKept } from './draining-workers';
import { requireLabFiles } from '../platform/checkout';
import { startAuroraLab, stopAuroraLab } from './aurora-lab';

export const FAULTLINE_WORKER: WorkerSpec = {
  name: 'faultline-worker',
  args: ['worker'],
  taskQueue: EXPERIMENT_TASK_QUEUE,
};
/** The payment service (HTTP API + worker): it listens before it polls, so polling means serving. */
export const PAYMENT_SERVICE: WorkerSpec = {
  name: 'payment-service',
  args: ['service'],
  taskQueue: PAYMENT_TASK_QUEUE,
};
export const WORKERS: WorkerSpec[] = [FAULTLINE_WORKER, PAYMENT_SERVICE];
/** Most experiment worker processes `faultline up --workers N` starts on one machine. */
export const MAX_FAULTLINE_WORKERS = 8;

/**
 * The `n`th experiment worker process (1 is FAULTLINE_WORKER): more pollers of the same task queues,
 * each with its own Prometheus ports (the nth: 9464 + 2(n-1) and the SDK's next to it).
 */
export function faultlineWorker(n: number): WorkerSpec {
  if (n === 1) return FAULTLINE_WORKER;
  const { faultline, temporal } = metricsPorts();
  const shifted = (port: number | undefined) => String(port === undefined ? 0 : port + 2 * (n - 1));
  return {
    ...FAULTLINE_WORKER,
    name: `${FAULTLINE_WORKER.name}-${n}`,
    env: { FAULTLINE_METRICS_PORT: shifted(faultline), FAULTLINE_TEMPORAL_METRICS_PORT: shifted(temporal) },
  };
}

export interface UpOptions {
  /** Start the worker processes too (default true). */
  workers?: boolean;
  /**
   * How many experiment worker processes (`faultline up --workers N`): extra ones from an earlier
   * `up` are stopped. Without it (`run`, `start`), the workers an earlier `up` left running are
   * kept, however many (at least one): an experiment with `workload.shards` needs them.
   */
  faultlineWorkers?: number;
  /** Restart a worker whose named connections or HTTP targets (FAULTLINE_CONNECTION_*, FAULTLINE_HTTP_*) differ from this shell's (`faultline up`). */
  applyConnections?: boolean;
}

/**
 * Starts what is not running: the containers (unless an experiment holds a lock on one of them:
 * they are left as that experiment's fault has them), the Temporal dev server, the search
 * attributes, the workers. `faultline up`, and `run`/`start` before they start an experiment.
 */
export async function labUp(options: UpOptions = {}): Promise<void> {
  requireLabFiles();
  const settings = labSettings();
  const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      const result = await run();
      process.stderr.write(`lab: ${what}: ${String(result)} (${Date.now() - started} ms)\n`);
      return result;
    } catch (err) {
      throw new Error(`lab: ${what} failed: ${(err as Error).message}`);
    }
  };
  // Another experiment's fault may be on a container (paused, stopped, cut off): not (re)started or
  // waited on, so this one reaches its lock, or its own target, whatever state that one left.
  let held: HeldLock[] = [];
  await step("experiments' locks on the lab's containers", async () => {
    held = (await heldLocks()).filter((l) => onLabContainers(l.lockId));
    return held.length ? `${held.length} held` : 'none held';
  });
  if (held.length > 0) {
    process.stderr.write(
      `lab: containers left as they are (not started, nor waited on to be healthy): ${heldLocksText(held)}\n`,
    );
  } else {
    await step('database and proxy containers', async () => (await startStack(), 'healthy'));
    await step('Patroni cluster (etcd, 2 nodes, HAProxy, PgBouncer)', waitClusterReady);
    await step('workload role', ensureWorkloadRole);
  }
  await step("the lab's Aurora (RDS API on the Patroni cluster, its writer and reader endpoints)", startAuroraLab);
  await step(
    `Temporal dev server on ${settings.temporalAddress} (Web UI http://127.0.0.1:${settings.temporalUiPort})`,
    startTemporalDevServer,
  );
  await step('search attributes', async () => {
    const added = await ensureSearchAttributes(labTemporalTarget(), { retireOld: true });
    return added.length ? `added ${added.join(', ')}` : 'registered';
  });
  if (options.workers !== false) {
    const count = options.faultlineWorkers ?? runningFaultlineWorkers();
    const specs = [...Array.from({ length: count }, (_, i) => faultlineWorker(i + 1)), PAYMENT_SERVICE];
    for (const worker of specs)
      await step(`${worker.name} on task queue ${worker.taskQueue}`, () =>
        startWorker(worker, options.applyConnections),
      );
    for (let n = count + 1; n <= MAX_FAULTLINE_WORKERS; n++)
      if (await stopWorker(faultlineWorker(n))) process.stderr.write(`lab: ${faultlineWorker(n).name} stopped\n`);
  }
}

/** The experiment workers running now, as an earlier `up --workers N` left them (at least 1). */
function runningFaultlineWorkers(): number {
  let count = 1;
  for (let n = 2; n <= MAX_FAULTLINE_WORKERS; n++) if (runningProcess(faultlineWorker(n).name)) count = n;
  return count;
}

export async function labDown(): Promise<void> {
  requireLabFiles();
  const extra = Array.from({ length: MAX_FAULTLINE_WORKERS - 1 }, (_, i) => faultlineWorker(i + 2));
  for (const worker of [...WORKERS, ...extra]) {
    if (await stopWorker(worker)) process.stderr.write(`lab: ${worker.name} stopped\n`);
    await stopKept(worker);
  }
  if (await stopAuroraLab()) process.stderr.write("lab: the lab's Aurora stopped\n");
  if (await stopTemporalDevServer()) process.stderr.write('lab: Temporal dev server stopped\n');
  await stopStack();
  process.stderr.write('lab: containers removed\n');
}
