/** The payment workload's settings, part of an experiment definition (`payments`). Pure. */
import { z } from 'zod';
import { PAYMENT_CHANNELS } from './payment-types';
import { CONNECTION_NAME, wholeNumber, wholeSeconds } from './schema-fields';

export const paymentWorkloadSchema = z
  .object({
    /** Payments started per second on each channel (each one a create then a confirm). */
    ratePerSecond: z.number().min(0.1, 'must be >= 0.1').max(200, 'must be <= 200').default(5),
    /** `http`: the service's API, as a user sees it; `workflow`: the payment workflow, the durable path. */
    channels: z
      .array(z.enum(PAYMENT_CHANNELS))
      .min(1, 'needs at least one channel')
      .refine((c) => new Set(c).size === c.length, { message: 'channels must not repeat' })
      .default(['http', 'workflow']),
    /** Calls in flight at most; beyond it a call is skipped and counted (the client is saturated). */
    maxInFlight: wholeNumber(1, 10_000).default(500),
    /** An HTTP call without an answer after this long counts as a hang (`timeout`). */
    requestTimeoutSeconds: wholeSeconds(1, 300).default(30),
    /** Named connection the audit reads the payments table through (the service's database). */
    auditConnection: z.string().regex(CONNECTION_NAME, 'must be a connection name').default('direct'),
    /** How long the audit waits for payments still in flight (the workflow path) to complete. */
    auditTimeoutSeconds: wholeSeconds(1, 3600).default(120),
  })
  .strict();

/** Connections in the payment service's database pool (its HTTP API and its payment workflow share it). */
export const PAYMENT_SERVICE_POOL_SIZE = 10;

export type PaymentWorkloadSettings = z.output<typeof paymentWorkloadSchema>;
export type PaymentWorkloadSettingsInput = z.input<typeof paymentWorkloadSchema>;
