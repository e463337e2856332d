/**
 * Network faults on an opted-in container (the lab's db), applied in its namespace by a
 * sidecar. Each is shown in effect by a measurement faultline does not make (a plain client's round
 * trips, ping from another container, a raw TCP connect), and gone after the restore and after the
 * dead man's switch's sweep of an abandoned lease.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { Client } from 'pg';
import { resolveDockerTarget } from '../../src/activities/faults/docker-fault';
import { networkFaultInPlace, NETTOOLS_IMAGE } from '../../src/activities/faults/network-fault';
import { docker } from '../../src/platform/docker';
import { labSettings } from '../../src/platform/settings';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE } from '../../src/shared/experiment-contract';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import { waitForPhase } from './harness/experiments';
import { testClient } from './harness/temporal-client';
import { labClientConfig } from './harness/lab-client';

const db = () => resolveDockerTarget({ target: { container: labSettings().dbContainer } });

function networkExperiment(name: string, fault: Record<string, unknown>, faultSeconds: number) {
  return {
    name,
    paths: ['direct'],
    fault: { kind: 'network', target: { container: labSettings().dbContainer }, ...fault },
    durations: { warmupSeconds: 2, faultSeconds, recoveryTimeoutSeconds: 60 },
    steadyState: { windowSeconds: 1 },
    workload: { statementTimeoutMs: 3000 },
    report: { directory: 'test-artifacts/reports' },
  };
}

async function start(name: string, fault: Record<string, unknown>, faultSeconds: number) {
  const client = await testClient();
  const handle = await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
    taskQueue: EXPERIMENT_TASK_QUEUE,
    workflowId: `test-net-${name}-${Date.now()}`,
    args: [networkExperiment(`net-${name}`, fault, faultSeconds)],
  });
  const target = await db();
  const deadline = Date.now() + 60_000;
  while (!(await networkFaultInPlace(target))) {
    if (Date.now() > deadline) throw new Error('the network fault was not seen in place within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { handle, target };
}

/** Median round trip of `SELECT 1` on one open connection, ms. */
async function medianRoundTripMs(samples = 15): Promise<number> {
  const client = new Client(labClientConfig(labSettings().dbPort, { connectionTimeoutMillis: 10_000 }));
  await client.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = process.hrtime.bigint();
      await client.query('SELECT 1');
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  } finally {
    await client.end();
  }
}

/** Packet loss to the db seen by ping from inside the proxy container's network (the lab network). */
async function pingLossPercent(count = 300): Promise<number> {
  const sidecar = await docker.createContainer({
    Image: NETTOOLS_IMAGE,
    Cmd: ['ping', '-q', '-c', String(count), '-i', '0.01', '-W', '1', 'db'],
    Tty: true,
    HostConfig: { NetworkMode: `container:${labSettings().proxyContainer}` },
  });
  try {
    await sidecar.start();
    await sidecar.wait();
    const out = (await sidecar.logs({ stdout: true, stderr: true })).toString('utf8');
    const match = /([\d.]+)% packet loss/.exec(out);
    if (!match) throw new Error(`ping printed no loss figure: ${out}`);
    return Number(match[1]);
  } finally {
    await sidecar.remove({ force: true });
  }
}

/** How a fresh TCP connect to the db's published port ends within 2 s. */
function tcpConnect(): Promise<'connected' | 'refused' | 'timeout'> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: labSettings().dbPort });
    socket.setTimeout(2000, () => (socket.destroy(), resolve('timeout')));
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : 'timeout'));
  });
}

describe('network faults in an opted-in container (issue 15)', function () {
  this.timeout(240_000);

  it('latency 100 +- 10 ms: every round trip is 100 ms longer (within 20 %), and not after the restore', async () => {
    const before = await medianRoundTripMs();
    const { handle, target } = await start('latency', { action: 'latency', delayMs: 100, jitterMs: 10 }, 8);
    const during = await medianRoundTripMs();
    const result = (await handle.result()) as ExperimentResult;
    const after = await medianRoundTripMs();
    process.stdout.write(
      `      round trip: before ${before.toFixed(2)} ms, during ${during.toFixed(1)} ms, after ${after.toFixed(2)} ms; verdict ${result.verdict}\n`,
    );
    const added = during - before;
    assert.ok(added >= 80 && added <= 120, `added ${added.toFixed(1)} ms, expected 100 +- 20 %`);
    assert.equal(await networkFaultInPlace(target), false, 'no rule or sidecar is left after the restore');
    assert.ok(after < before + 20, `back to normal after the restore (${after.toFixed(2)} ms)`);
  });

  it('loss 30 %: ping from another container loses 30 +- 10 % of its packets, none after the restore', async () => {
    const { handle, target } = await start('loss', { action: 'loss', lossPercent: 30 }, 10);
    const during = await pingLossPercent();
    await handle.result();
    const after = await pingLossPercent(100);
    process.stdout.write(`      ping loss: during ${during} %, after ${after} %\n`);
    assert.ok(during >= 20 && during <= 40, `loss ${during} % during the fault`);
    assert.equal(after, 0, 'no loss after the restore');
    assert.equal(await networkFaultInPlace(target), false);
  });

  it('blackhole: connections time out (never refused), the workload sees stalls, all gone after the restore', async () => {
    const { handle, target } = await start('blackhole', { action: 'blackhole' }, 6);
    const during = await tcpConnect();
    const result = (await handle.result()) as ExperimentResult;
    assert.equal(during, 'timeout', 'a black hole drops packets: a connect times out');
    assert.equal(await tcpConnect(), 'connected', 'and connects again after the restore');
    assert.equal(await networkFaultInPlace(target), false);
    const report = JSON.parse((await import('node:fs')).readFileSync(result.report.json, 'utf8')) as {
      paths: Array<{ downtimeMs: number; downtimeWindows: Array<{ stalls: number }> }>;
    };
    const stalls = report.paths[0]!.downtimeWindows.reduce((n, w) => n + w.stalls, 0);
    assert.ok(
      report.paths[0]!.downtimeMs >= 5000 && stalls > 0,
      `the workload was down ${report.paths[0]!.downtimeMs} ms with ${stalls} stalls`,
    );
  });

  it('an abandoned latency fault (workflow terminated) is removed by the watchdog', async () => {
    const { handle, target } = await start('abandoned', { action: 'latency', delayMs: 200 }, 300);
    await waitForPhase(handle, 'fault');
    await handle.terminate('test: abandon the fault');
    const deadline = Date.now() + 60_000;
    while (await networkFaultInPlace(target)) {
      if (Date.now() > deadline) assert.fail('the watchdog did not remove the abandoned network fault within 60 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    const rtt = await medianRoundTripMs(5);
    assert.ok(rtt < 50, `round trips are normal again (${rtt.toFixed(2)} ms)`);
  });
});
