/**
 * The payment workflow's contract: its activities, as the service implements them (the workflow
 * type, its id and its result are in shared/payment-types).
 */
import type { Payment, PaymentRequest } from '../../shared/payment-types';

export interface PaymentStep {
  payment: Payment;
  changed: boolean;
  /** The activity's attempt number (1 = first try). */
  attempt: number;
}

export interface PaymentActivities {
  createPayment(input: PaymentRequest): Promise<PaymentStep>;
  confirmPayment(orderId: string): Promise<PaymentStep>;
}
