/**
 * Starts the payment workflow for a request: one workflow per order (its id is the order id), so
 * starting it again for the same order returns the one already there.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { PAYMENT_TASK_QUEUE } from '../shared/names';
import { PAYMENT_WORKFLOW_TYPE, paymentWorkflowId, type PaymentRequest } from '../shared/payment-types';

export function startPaymentWorkflow(client: Client, request: PaymentRequest): Promise<WorkflowHandle> {
  return client.workflow.start(PAYMENT_WORKFLOW_TYPE, {
    taskQueue: PAYMENT_TASK_QUEUE,
    workflowId: paymentWorkflowId(request.order_id),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    args: [request],
  });
}
