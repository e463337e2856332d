/**
 * `Prefer: respond-async` payments: the API hands them to the payment workflow. One Temporal client,
 * connected on first use. A second request for an order with another amount is a conflict, whether
 * the first was stored (checked once, if the database answers) or handed to a workflow (its memo has
 * the amount).
 */
import type { Client } from '@temporalio/client';
import { connectClient } from '../platform/temporal-connection';
import type { PaymentRequest } from '../shared/payment-types';
import { paymentWorkflowAmount, startPaymentWorkflow } from './client/start-payment-workflow';
import { PaymentConflictError, type PaymentStore } from './payment-store';

export interface AsyncPaymentStarter {
  start(request: PaymentRequest): Promise<{ workflowId: string; attempts: number }>;
  close(): Promise<void>;
}

export function asyncPaymentStarter(store: PaymentStore): AsyncPaymentStarter {
  let client: Promise<Client> | undefined;
  const connected = () =>
    (client ??= connectClient().catch((err: unknown) => {
      client = undefined;
      throw err;
    }));
  return {
    async start(request) {
      const c = await connected();
      const cents = Math.round(request.amount * 100);
      const conflict = (existing: number) =>
        Object.assign(new PaymentConflictError(request.order_id, existing), { attempts: 1 });
      const stored = await store.peek(request.order_id);
      if (stored && stored !== 'unreachable' && Math.round(stored.amount * 100) !== cents)
        throw conflict(Math.round(stored.amount * 100));
      const before = await paymentWorkflowAmount(c, request.order_id);
      if (before !== undefined && before !== cents) throw conflict(before);
      const handle = await startPaymentWorkflow(c, request);
      // Two requests at once: the one that did not start the workflow finds the other's amount.
      const after = await paymentWorkflowAmount(c, request.order_id);
      if (after !== undefined && after !== cents) throw conflict(after);
      return { workflowId: handle.workflowId, attempts: 1 };
    },
    async close() {
      await client?.then((c) => c.connection.close()).catch(() => undefined);
    },
  };
}
