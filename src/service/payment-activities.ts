/**
 * The payment workflow's activities: create and confirm, each one idempotent statement. They try
 * the database once; Temporal's retry policy (in the workflow) keeps trying while it is down, so a
 * payment accepted during an outage completes when the database is back.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { PaymentRequest } from '../shared/payment-types';
import { validatePaymentRequest } from '../shared/payment-request';
import type { PaymentActivities, PaymentStep } from '../workflows/payment/contract';
import { PaymentConflictError, type PaymentStore } from './payment-store';

export function createPaymentActivities(store: PaymentStore): PaymentActivities {
  return {
    async createPayment(input: PaymentRequest): Promise<PaymentStep> {
      const request = validatePaymentRequest(input);
      if (!request.ok) throw ApplicationFailure.nonRetryable(`${request.field} ${request.message}`, 'InvalidPayment');
      try {
        const { value } = await store.create(request.value.order_id, request.value.cents);
        return { payment: value.payment, changed: value.created, attempt: Context.current().info.attempt };
      } catch (err) {
        if (err instanceof PaymentConflictError) throw ApplicationFailure.nonRetryable(err.message, 'PaymentConflict');
        throw err;
      }
    },

    async confirmPayment(orderId: string): Promise<PaymentStep> {
      const { value } = await store.confirm(orderId);
      if (!value) throw ApplicationFailure.nonRetryable(`no payment for order_id ${orderId}`, 'PaymentNotFound');
      return { payment: value.payment, changed: value.changed, attempt: Context.current().info.attempt };
    },
  };
}
