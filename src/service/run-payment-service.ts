/**
 * `faultline service`: the payment service, one process that is both its HTTP API and a Temporal
 * worker on the `payment-service` task queue (the payment workflow and its activities). Both use
 * the same database pool, on a named connection resolved from the environment.
 */
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { openDatabase } from '../activities/schema/open-database';
import { labSettings } from '../lab/lab-settings';
import { logger } from '../logger';
import { PAYMENT_TASK_QUEUE } from '../shared/names';
import type { PaymentRequest } from '../shared/payment-types';
import { connectClient } from '../worker/temporal-connection';
import { installTemporalLogger } from '../worker/temporal-logger';
import { createPaymentApi } from './http-api';
import { createPaymentActivities } from './payment-activities';
import { PaymentStore } from './payment-store';
import { startPaymentWorkflow } from './start-payment-workflow';
import { serviceSettings } from './service-settings';

export async function runPaymentService(): Promise<void> {
  installTemporalLogger();
  const settings = serviceSettings();
  const lab = labSettings();
  const log = logger.child({ component: 'payment-service' });
  // Connect fast and give up fast: during an outage the retries, not one long wait, take the time.
  const db = openDatabase(settings.connection, { poolSize: 10, connectTimeoutMs: 1000, statementTimeoutMs: 5000 });
  // `Prefer: respond-async` requests start the payment workflow: one client, connected on first use.
  let client: Promise<Client> | undefined;
  const startPayment = async (request: PaymentRequest): Promise<string> => {
    client ??= connectClient().catch((err: unknown) => {
      client = undefined;
      throw err;
    });
    return (await startPaymentWorkflow(await client, request)).workflowId;
  };
  const api = createPaymentApi(new PaymentStore(db, { attempts: settings.retryAttempts, delayMs: settings.retryDelayMs }), log, startPayment);
  await new Promise<void>((resolve, reject) => {
    api.once('error', reject);
    api.listen(settings.port, settings.host, () => resolve());
  });
  const address = api.address() as AddressInfo;
  log.info({ url: `http://${address.address}:${address.port}`, connection: settings.connection, retryAttempts: settings.retryAttempts, retryDelayMs: settings.retryDelayMs }, 'payment API listening');

  const connection = await NativeConnection.connect({ address: lab.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: lab.temporalNamespace,
    taskQueue: PAYMENT_TASK_QUEUE,
    workflowsPath: require.resolve('./payment-workflow'),
    // The workflow's retry policy does the retrying: one database attempt per activity attempt.
    activities: createPaymentActivities(new PaymentStore(db, { attempts: 1, delayMs: 0 })),
    maxConcurrentActivityTaskExecutions: 100,
    shutdownGraceTime: '5s',
  });
  log.info({ taskQueue: PAYMENT_TASK_QUEUE, address: lab.temporalAddress }, 'payment worker started');
  try {
    await worker.run();
  } finally {
    await new Promise((resolve) => api.close(resolve));
    await client?.then((c) => c.connection.close()).catch(() => undefined);
    await db.destroy();
    await connection.close();
    await Runtime.instance().shutdown();
  }
}
