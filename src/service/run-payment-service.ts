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
import { PaymentConflictError, PaymentStore } from './payment-store';
import { paymentWorkflowAmount, startPaymentWorkflow } from './start-payment-workflow';
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
  const store = new PaymentStore(db, { attempts: settings.retryAttempts, delayMs: settings.retryDelayMs });
  // A second request for an order with another amount is a conflict, whether the first was stored
  // (checked once, if the database answers) or handed to a workflow (its memo has the amount).
  const startPayment = async (request: PaymentRequest): Promise<{ workflowId: string; attempts: number }> => {
    client ??= connectClient().catch((err: unknown) => {
      client = undefined;
      throw err;
    });
    const c = await client;
    const cents = Math.round(request.amount * 100);
    const conflict = (existing: number, attempts: number) => Object.assign(new PaymentConflictError(request.order_id, existing), { attempts });
    const stored = await store.peek(request.order_id);
    if (stored && stored !== 'unreachable' && Math.round(stored.amount * 100) !== cents) throw conflict(Math.round(stored.amount * 100), 1);
    const before = await paymentWorkflowAmount(c, request.order_id);
    if (before !== undefined && before !== cents) throw conflict(before, 1);
    const handle = await startPaymentWorkflow(c, request);
    // Two requests at once: the one that did not start the workflow finds the other's amount.
    const after = await paymentWorkflowAmount(c, request.order_id);
    if (after !== undefined && after !== cents) throw conflict(after, 1);
    return { workflowId: handle.workflowId, attempts: 1 };
  };
  const api = createPaymentApi(store, log, startPayment);
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
