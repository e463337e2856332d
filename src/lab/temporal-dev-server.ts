/**
 * The Temporal dev server (`temporal server start-dev`, Web UI embedded), on 127.0.0.1, with its
 * database in .lab/temporal so experiments, schedules and history survive restarts.
 */
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../shared/experiment-contract';
import { startBackgroundProcess, stopBackgroundProcess } from './background-process';
import { labSettings } from '../platform/settings';
import { connectTemporal } from '../platform/temporal-connection';
import { labTemporalTarget } from '../platform/temporal-target';
import { waitUntil } from './wait-until';

const NAME = 'temporal-server';

export const TEMPORAL_FIX = 'run `bin/faultline up` (starts the Temporal dev server)';

export async function temporalIsUp(timeoutMs = 2000): Promise<boolean> {
  let connection: Awaited<ReturnType<typeof connectTemporal>> | undefined;
  try {
    connection = await connectTemporal(labTemporalTarget(), timeoutMs);
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

export async function startTemporalDevServer(): Promise<'reused' | 'started'> {
  if (await temporalIsUp()) return 'reused';
  const settings = labSettings();
  if (!existsSync(settings.temporalCli)) {
    throw new Error(`the temporal CLI is missing at ${settings.temporalCli}: run \`bash scripts/provision.sh\``);
  }
  const dataDir = path.join(settings.labDir, 'temporal');
  mkdirSync(dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(settings.temporalPort),
    '--ui-port',
    String(settings.temporalUiPort),
    '--db-filename',
    path.join(dataDir, 'dev.db'),
    // Write-ahead log, fsync at checkpoints: hundreds of payment workflows a minute stay fast (the
    // default journal fsyncs every commit, and a burst of them stalled the server for seconds).
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    '--namespace',
    labTemporalTarget().namespace,
    '--log-level',
    'warn',
    '--ui-disable-news-fetch',
    // One partition per task queue: with the default four, a task written to a partition that no
    // poller waits on sat there for many seconds while another worker idled (a path's second shard
    // started 17 s late). A lab has a handful of workers; one partition serves them all at once.
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
    ...SEARCH_ATTRIBUTE_DEFINITIONS.flatMap(({ name, type }) => ['--search-attribute', `${name}=${type}`]),
  ];
  startBackgroundProcess(NAME, settings.temporalCli, args);
  await waitUntil(`Temporal dev server on ${settings.temporalAddress}`, () => temporalIsUp(), {
    timeoutMs: 60_000,
    intervalMs: 500,
    hint: `see ${path.join(settings.labDir, 'logs', `${NAME}.log`)}`,
  });
  return 'started';
}

export async function stopTemporalDevServer(): Promise<boolean> {
  return stopBackgroundProcess(NAME, 15_000);
}
