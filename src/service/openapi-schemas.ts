/**
 * The JSON Schemas (2020-12, as OpenAPI 3.1 has them) of what the payment service reads and
 * answers. The request schemas are built from the constants its validation checks against
 * (src/shared/payment-request.ts); test/unit/payment-openapi.test.ts runs both on the same inputs.
 */
import { STATUS_CODES } from 'node:http';
import { MAX_AMOUNT, ORDER_ID_PATTERN } from '../shared/payment-request';
import { paymentWorkflowId, type PaymentStatus } from '../shared/payment-types';
import { ERROR_CLASSES } from '../shared/workload-types';

export type JsonSchema = Record<string, unknown>;

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const object = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  required: Object.keys(properties),
  additionalProperties: false,
  properties,
});

const text = { type: 'string' } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;
/** Every payment status, checked against the type: a new status cannot be left out. */
const STATUSES: Record<PaymentStatus, true> = { pending: true, confirmed: true };
/** A pattern for a whole order id after a prefix, from the one the validation uses. */
export const orderIdAfter = (prefix: string): string => `^${prefix}${ORDER_ID_PATTERN.source.replace(/^\^/, '')}`;

const paymentProperties = {
  order_id: ref('OrderId'),
  amount: ref('Amount'),
  status: { type: 'string', enum: Object.keys(STATUSES) },
  created_at: timestamp,
  confirmed_at: { type: ['string', 'null'], format: 'date-time', description: 'null while pending' },
};

/** The body of a refused request: the field at fault (or `(body)`, `(path)`, `(method)`, `content-type`). */
export const fieldError = (status: number, description: string): JsonSchema =>
  object(
    {
      error: { const: STATUS_CODES[status]!.toLowerCase() },
      field: { ...text, description: 'the field at fault, or (body), (path), (method), content-type' },
      message: text,
    },
    description,
  );

export const PAYMENT_SCHEMAS: Record<string, JsonSchema> = {
  OrderId: {
    type: 'string',
    minLength: 1,
    maxLength: 64,
    pattern: ORDER_ID_PATTERN.source,
    description: 'letters, digits, - and _, starting with a letter or digit; the idempotency key',
    examples: ['order-1001'],
  },
  Amount: {
    type: 'number',
    exclusiveMinimum: 0,
    maximum: MAX_AMOUNT,
    multipleOf: 0.01,
    description: 'currency units, at most two decimals',
    examples: [100.5],
  },
  PaymentRequest: object({ order_id: ref('OrderId'), amount: ref('Amount') }, 'exactly these two fields'),
  ConfirmRequest: {
    type: 'object',
    maxProperties: 0,
    description: 'confirm takes no fields: send no body, or {}',
  },
  Payment: object(paymentProperties),
  CreatedPayment: object({
    ...paymentProperties,
    created: { type: 'boolean', description: 'false: the order already had this payment (same amount)' },
  }),
  ConfirmedPayment: object({
    ...paymentProperties,
    changed: { type: 'boolean', description: 'false: it was already confirmed' },
  }),
  AcceptedPayment: object(
    {
      order_id: ref('OrderId'),
      amount: ref('Amount'),
      status: { const: 'accepted' },
      workflow_id: { type: 'string', pattern: orderIdAfter(paymentWorkflowId('')) },
    },
    'handed to the payment workflow, which creates and confirms it (also after a database outage)',
  ),
  Healthy: object({ status: { const: 'healthy' }, database: { const: 'connected' }, timestamp }),
  Unhealthy: object({
    status: { const: 'unhealthy' },
    database: { const: 'disconnected' },
    timestamp,
    error: { type: 'string', enum: [...ERROR_CLASSES], description: 'why the database did not answer' },
  }),
  BadRequestError: fieldError(400, 'a field, the body or the path is invalid'),
  NotFoundError: fieldError(404, 'no payment for this order_id, or no such resource'),
  MethodNotAllowedError: fieldError(405, 'the path is a resource that takes another method'),
  ConflictError: fieldError(409, 'the order already has a payment of another amount (field: amount)'),
  PayloadTooLargeError: fieldError(413, 'the body is over 16 KiB'),
  UnsupportedMediaTypeError: fieldError(415, 'a body that is not application/json'),
  DatabaseUnavailableError: object(
    {
      error: { const: 'database unavailable' },
      message: text,
      attempts: { type: 'integer', minimum: 1 },
      retryable: { const: true },
    },
    'the database did not answer through the retries; nothing was written',
  ),
  TemporalUnavailableError: object(
    { error: { const: 'temporal unavailable' }, message: text, retryable: { const: true } },
    'Prefer: respond-async, and the payment workflow could not be started; nothing was accepted',
  ),
  InternalError: object({ error: { const: 'internal error' }, message: text }, 'a bug in the service (see its log)'),
  OpenApiDocument: {
    type: 'object',
    required: ['openapi', 'info', 'paths'],
    properties: {
      openapi: { type: 'string', pattern: '^3\\.1\\.' },
      info: { type: 'object' },
      paths: { type: 'object' },
    },
    description: 'this document',
  },
};
