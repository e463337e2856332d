/**
 * Starts the payment workflow for a request: one workflow per order (its id is the order id), so
 * starting it again for the same order returns the one already there. Its memo holds the amount, so
 * a second request for the order can be told apart (same amount: the same payment; another: a
 * conflict).
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { PAYMENT_TASK_QUEUE } from '../../shared/names';
import { PAYMENT_WORKFLOW_TYPE, paymentWorkflowId, type PaymentRequest } from '../../shared/payment-types';

export function startPaymentWorkflow(client: Client, request: PaymentRequest): Promise<WorkflowHandle> {
  return client.workflow.start(PAYMENT_WORKFLOW_TYPE, {
    taskQueue: PAYMENT_TASK_QUEUE,
    workflowId: paymentWorkflowId(request.order_id),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    args: [request],
    memo: { amountCents: Math.round(request.amount * 100) },
  });
}

/** The amount (cents) of the payment workflow already there for an order, if there is one. */
export async function paymentWorkflowAmount(client: Client, orderId: string): Promise<number | undefined> {
  try {
    const described = await client.workflow.getHandle(paymentWorkflowId(orderId)).describe();
    const cents = described.memo?.amountCents;
    return typeof cents === 'number' ? cents : undefined;
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return undefined;
    throw err;
  }
}
