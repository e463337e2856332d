/**
 * `faultline service`: the payment service, one process that is both its HTTP API and a Temporal
 * worker on the `payment-service` task queue (the payment workflow and its activities). Both use
 * the same database pool, on a named connection resolved from the environment.
 */
import type { AddressInfo } from 'node:net';
import { WORKFLOW_MODULES, workflowCode } from '../platform/workflow-code';
import { Runtime, Worker } from '@temporalio/worker';
import { openDatabase } from '../platform/database/open-database';
import { connectWorkerToTemporal } from '../platform/temporal-native-connection';
import { configuredTemporal } from '../platform/temporal-target';
import { currentVersionPolicy, keepDeploymentServed } from '../platform/current-version';
import { deploymentOptions } from '../platform/worker-deployment';
import { logger } from '../platform/logger';
import { PAYMENT_TASK_QUEUE } from '../shared/names';
import { PAYMENT_SERVICE_POOL_SIZE } from '../shared/payment-settings';
import { installTemporalLogger } from '../platform/temporal-logger';
import { createPaymentApi } from './http-api';
import { createPaymentActivities } from './payment-activities';
import { PaymentStore } from './payment-store';
import { asyncPaymentStarter } from './async-payment-starter';
import { serviceSettings } from './service-settings';

export async function runPaymentService(): Promise<void> {
  installTemporalLogger();
  const settings = serviceSettings();
  const temporal = configuredTemporal();
  const becomeCurrent = currentVersionPolicy(); // a bad value stops the service before it listens
  const log = logger.child({ component: 'payment-service' });
  // Connect fast and give up fast: during an outage the retries, not one long wait, take the time.
  const db = openDatabase(settings.connection, {
    poolSize: PAYMENT_SERVICE_POOL_SIZE,
    connectTimeoutMs: 1000,
    statementTimeoutMs: 5000,
  });
  const store = new PaymentStore(db, { attempts: settings.retryAttempts, delayMs: settings.retryDelayMs });
  const starter = asyncPaymentStarter(store);
  const api = createPaymentApi(store, log, starter.start, settings.http);
  await new Promise<void>((resolve, reject) => {
    api.once('error', reject);
    api.listen(settings.port, settings.host, () => resolve());
  });
  const address = api.address() as AddressInfo;
  log.info(
    {
      url: `http://${address.address}:${address.port}`,
      connection: settings.connection,
      retryAttempts: settings.retryAttempts,
      retryDelayMs: settings.retryDelayMs,
      http: settings.http,
    },
    'payment API listening',
  );

  const connection = await connectWorkerToTemporal(temporal);
  const deployment = deploymentOptions(PAYMENT_TASK_QUEUE);
  const worker = await Worker.create({
    connection,
    namespace: temporal.namespace,
    taskQueue: PAYMENT_TASK_QUEUE,
    workerDeploymentOptions: deployment,
    ...workflowCode(WORKFLOW_MODULES.payment),
    // The workflow's retry policy does the retrying: one database attempt per activity attempt.
    activities: createPaymentActivities(new PaymentStore(db, { attempts: 1, delayMs: 0 })),
    maxConcurrentActivityTaskExecutions: 100,
    shutdownGraceTime: '5s',
  });
  log.info(
    { taskQueue: PAYMENT_TASK_QUEUE, address: temporal.address, namespace: temporal.namespace },
    'payment worker started',
  );
  const stopped = new AbortController();
  try {
    await Promise.all([
      worker.run().finally(() => stopped.abort()),
      keepDeploymentServed(connection, temporal.namespace, deployment, stopped.signal, becomeCurrent),
    ]);
  } finally {
    stopped.abort();
    await new Promise((resolve) => api.close(resolve));
    await starter.close();
    await db.destroy();
    await connection.close();
    await Runtime.instance().shutdown();
  }
}
