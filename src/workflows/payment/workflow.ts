/**
 * payment: one payment, durably. Create it, then confirm it. While the database is down the
 * activities fail and Temporal retries them (every 0.5 s to 5 s, for up to 30 minutes), so a
 * payment accepted during an outage completes after it, exactly once: both steps are idempotent
 * and the workflow id is the order id. Deterministic: this file only orchestrates.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { PaymentRequest, PaymentWorkflowResult } from '../../shared/payment-types';
import type { PaymentActivities } from './contract';
import { validatePaymentRequest } from '../../shared/payment-request';

const { createPayment, confirmPayment } = proxyActivities<PaymentActivities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '5 seconds',
    nonRetryableErrorTypes: ['InvalidPayment', 'PaymentConflict', 'PaymentNotFound'],
  },
});

export async function payment(input: PaymentRequest): Promise<PaymentWorkflowResult> {
  const request = validatePaymentRequest(input);
  if (!request.ok)
    throw ApplicationFailure.nonRetryable(`invalid payment: ${request.field} ${request.message}`, 'InvalidPayment');
  const created = await createPayment({ order_id: request.value.order_id, amount: request.value.amount });
  const confirmed = await confirmPayment(request.value.order_id);
  return { payment: confirmed.payment, createAttempts: created.attempt, confirmAttempts: confirmed.attempt };
}
