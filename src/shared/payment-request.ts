/**
 * Validation of what callers send the payment service. Pure: the HTTP API and the payment
 * workflow both use it, and a bad request is refused before anything touches the database.
 */
import type { PaymentRequest } from './payment-types';

export const ORDER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** The largest amount the service accepts, in currency units. */
export const MAX_AMOUNT = 1_000_000;

export type Validated<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const fail = (field: string, message: string): Validated<never> => ({ ok: false, field, message });

export function validateOrderId(value: unknown, field = 'order_id'): Validated<string> {
  if (value === undefined || value === null) return fail(field, 'is required');
  if (typeof value !== 'string') return fail(field, `must be a string, got ${describe(value)}`);
  if (value.length === 0) return fail(field, 'must not be empty');
  if (value.length > 64) return fail(field, `must be at most 64 characters, got ${value.length}`);
  if (!ORDER_ID_PATTERN.test(value))
    return fail(field, 'must start with a letter or digit, then letters, digits, - and _ only');
  return { ok: true, value };
}

/** Amount in cents, or why not: positive, at most two decimals, at most MAX_AMOUNT. */
export function validateAmount(value: unknown, field = 'amount'): Validated<number> {
  if (value === undefined || value === null) return fail(field, 'is required');
  if (typeof value !== 'number') return fail(field, `must be a number, got ${describe(value)}`);
  if (!Number.isFinite(value)) return fail(field, 'must be a finite number');
  if (value <= 0) return fail(field, 'must be greater than 0');
  if (value > MAX_AMOUNT) return fail(field, `must be at most ${MAX_AMOUNT}`);
  const cents = Math.round(value * 100);
  // Exactly a number of cents, as JSON Schema's `multipleOf: 0.01` reads it (the OpenAPI document says so):
  // 1.1 is (110 / 100 is the same double), 0.07000000001 and 0.1 + 0.2 are not.
  if (cents / 100 !== value || cents === 0) return fail(field, 'must have at most two decimals');
  return { ok: true, value: cents };
}

/** A payment request: exactly `order_id` and `amount`; anything else is refused by name. */
export function validatePaymentRequest(body: unknown): Validated<PaymentRequest & { cents: number }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return fail('(body)', `must be a JSON object, got ${describe(body)}`);
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== 'order_id' && key !== 'amount');
  if (unknown.length > 0) return fail(unknown[0]!.slice(0, 64), 'is not a known field (known: order_id, amount)');
  const orderId = validateOrderId(record.order_id);
  if (!orderId.ok) return orderId;
  const amount = validateAmount(record.amount);
  if (!amount.ok) return amount;
  return { ok: true, value: { order_id: orderId.value, amount: amount.value / 100, cents: amount.value } };
}

/** A confirm request's body: nothing, or an empty object. */
export function validateConfirmRequest(body: unknown): Validated<null> {
  if (body === undefined) return { ok: true, value: null };
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return fail('(body)', `must be empty or {}, got ${describe(body)}`);
  const unknown = Object.keys(body);
  if (unknown.length > 0) return fail(unknown[0]!.slice(0, 64), 'is not a known field (confirm takes no fields)');
  return { ok: true, value: null };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
