/** The `faultline` worker: experiment workflows and their activities. */
import { Runtime, Worker } from '@temporalio/worker';
import * as activities from '../activities';
import { connectWorkerToTemporal } from '../platform/temporal-native-connection';
import { configuredTemporal } from '../platform/temporal-target';
import { currentVersionPolicy, keepDeploymentServed } from '../platform/current-version';
import { deploymentOptions } from '../platform/worker-deployment';
import { startLeaseWatchdog } from './lease-watchdog';
import { WORKFLOW_MODULES, workflowCode } from '../platform/workflow-code';
import { logger } from '../platform/logger';
import { shardTaskQueue } from '../shared/experiment-contract';
import { experimentTaskQueue } from '../platform/settings';
import { installTemporalLogger } from '../platform/temporal-logger';
import { metricsPorts } from '../platform/metrics-settings';
import { customSqlPolicy } from '../platform/custom-sql-policy';
import { metricsRegistry } from '../platform/metrics-registry';
import { collectProcessMetrics, startMetricsServer } from './metrics-server';

export async function runFaultlineWorker(): Promise<void> {
  const ports = metricsPorts();
  customSqlPolicy(); // an invalid FAULTLINE_CUSTOM_SQL stops the worker now, not an experiment later
  installTemporalLogger({ metricsPort: ports.temporal });
  // A promise nobody handled is a bug: log it (the soak counts these lines) rather than let one
  // stray rejection kill a worker in the middle of a fault.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  const temporal = configuredTemporal();
  // Another queue (FAULTLINE_TASK_QUEUE) runs a worker with its own environment beside the lab's.
  const taskQueue = experimentTaskQueue();
  const connection = await connectWorkerToTemporal(temporal);
  // One version for both workers: an experiment's shards run on its own build (worker-deployment.ts).
  const deployment = deploymentOptions(taskQueue);
  const becomeCurrent = currentVersionPolicy(); // a bad value stops the worker before it polls
  const worker = await Worker.create({
    connection,
    namespace: temporal.namespace,
    taskQueue,
    workerDeploymentOptions: deployment,
    ...workflowCode(WORKFLOW_MODULES.faultline),
    activities,
    maxConcurrentActivityTaskExecutions: 50,
    shutdownGraceTime: '5s',
    // Heartbeats carry cancellation: send them at most 250 ms apart so a cancelled workload stops
    // within a second (the default throttle is 80% of the heartbeat timeout).
    maxHeartbeatThrottleInterval: '250ms',
  });
  // A path's shards: one at a time here, so that N shards land on N workers (shard-workers.ts).
  const shardWorker = await Worker.create({
    connection,
    namespace: temporal.namespace,
    taskQueue: shardTaskQueue(taskQueue),
    workerDeploymentOptions: deployment,
    activities,
    maxConcurrentActivityTaskExecutions: 1,
    shutdownGraceTime: '5s',
    maxHeartbeatThrottleInterval: '250ms',
  });
  // Prometheus: the workload's live metrics and the process's (see docs/operating.md, "Prometheus").
  collectProcessMetrics(metricsRegistry);
  const metrics =
    ports.faultline === undefined ? undefined : await startMetricsServer(metricsRegistry, ports.faultline);
  logger.info(
    {
      taskQueue,
      address: temporal.address,
      namespace: temporal.namespace,
      tls: temporal.tls,
      version: deployment ? `${deployment.version.deploymentName}:${deployment.version.buildId}` : 'unversioned',
    },
    'faultline worker started',
  );
  // The dead man's switch: restores Docker faults whose lease expired or whose workflow is gone.
  const watchdog = startLeaseWatchdog();
  const stopped = new AbortController();
  try {
    await Promise.all([
      worker.run().finally(() => stopped.abort()),
      shardWorker.run(),
      keepDeploymentServed(connection, temporal.namespace, deployment, stopped.signal, becomeCurrent),
    ]);
  } finally {
    stopped.abort();
    await watchdog.stop();
    await metrics?.close();
    await connection.close();
    await Runtime.instance().shutdown();
  }
}
