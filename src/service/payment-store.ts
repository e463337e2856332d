/**
 * The payments table, through Kysely, with the seed's fault tolerance: an operation that fails
 * because the database is unreachable is retried (attempts and delay configurable, 3 and 2 s by
 * default); when every attempt failed it ends in DatabaseUnavailableError, which the API answers
 * with 503. Each operation is one statement, so a failure never leaves half a payment behind, and
 * each is idempotent, so a retry after a lost answer is harmless.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { BusinessDatabase, PaymentsTable } from '../platform/database/business-database';
import { classifyError } from '../platform/error-classification';
import type { Payment } from '../shared/payment-types';
import type { ErrorClass } from '../shared/workload-types';

export interface RetryPolicy {
  attempts: number;
  delayMs: number;
}

export class DatabaseUnavailableError extends Error {
  constructor(
    readonly attempts: number,
    readonly errorClass: ErrorClass,
    cause: unknown,
  ) {
    super(`database unavailable after ${attempts} attempt(s): ${errorClass}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/** The order exists with another amount: resubmitting must not change a payment. */
export class PaymentConflictError extends Error {
  readonly field = 'amount';
  /** Database attempts it took to find out (0: found out elsewhere, from the payment workflow). */
  attempts = 0;
  constructor(
    readonly orderId: string,
    readonly existingCents: number,
  ) {
    super(
      `order ${orderId} already has a payment of ${(existingCents / 100).toFixed(2)}; a different amount is refused`,
    );
    this.name = 'PaymentConflictError';
  }
}

/** The answer of an operation, and how many database attempts it took. */
export interface Attempted<T> {
  value: T;
  attempts: number;
}

const toCents = (amount: string | number): number => Math.round(Number(amount) * 100);
const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function toPayment(row: Selectable<PaymentsTable>): Payment {
  return {
    order_id: row.order_id,
    amount: toCents(row.amount) / 100,
    status: row.status,
    created_at: iso(row.created_at)!,
    confirmed_at: iso(row.confirmed_at),
  };
}

export class PaymentStore {
  constructor(
    private readonly db: Kysely<BusinessDatabase>,
    private readonly retry: RetryPolicy,
  ) {}

  /** Runs `operation`, retrying while the database is unreachable. */
  private async withRetry<T>(operation: () => Promise<T>): Promise<Attempted<T>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return { value: await operation(), attempts: attempt };
      } catch (err) {
        const errorClass = classifyError(err);
        if (errorClass === 'other') {
          // Still an answer that touched the database: its attempts go with it.
          if (err instanceof Error) Object.assign(err, { attempts: attempt });
          throw err;
        }
        if (attempt >= this.retry.attempts) throw new DatabaseUnavailableError(attempt, errorClass, err);
        await new Promise((resolve) => setTimeout(resolve, this.retry.delayMs));
      }
    }
  }

  private async select(orderId: string): Promise<Payment | undefined> {
    const row = await this.db.selectFrom('payments').selectAll().where('order_id', '=', orderId).executeTakeFirst();
    return row ? toPayment(row) : undefined;
  }

  /** Creates the payment, or returns the existing one for this order (same amount), never a second. */
  create(orderId: string, cents: number): Promise<Attempted<{ payment: Payment; created: boolean }>> {
    return this.withRetry(async () => {
      const inserted = await this.db
        .insertInto('payments')
        .values({ order_id: orderId, amount: (cents / 100).toFixed(2) })
        .onConflict((oc) => oc.column('order_id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { payment: toPayment(inserted), created: true };
      const existing = await this.select(orderId);
      if (!existing) throw new Error(`order ${orderId} conflicted but cannot be read back`);
      if (Math.round(existing.amount * 100) !== cents)
        throw new PaymentConflictError(orderId, Math.round(existing.amount * 100));
      return { payment: existing, created: false };
    });
  }

  find(orderId: string): Promise<Attempted<Payment | undefined>> {
    return this.withRetry(() => this.select(orderId));
  }

  /** Confirms a pending payment; confirming a confirmed one changes nothing. Undefined: no such order. */
  confirm(orderId: string): Promise<Attempted<{ payment: Payment; changed: boolean } | undefined>> {
    return this.withRetry(async () => {
      const updated = await this.db
        .updateTable('payments')
        .set({ status: 'confirmed', confirmed_at: sql<Date>`now()` })
        .where('order_id', '=', orderId)
        .where('status', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
      if (updated) return { payment: toPayment(updated), changed: true };
      const existing = await this.select(orderId);
      return existing ? { payment: existing, changed: false } : undefined;
    });
  }

  /** One attempt, no retry: the payment for an order if the database answers, `unreachable` if not. */
  async peek(orderId: string): Promise<Payment | undefined | 'unreachable'> {
    try {
      return await this.select(orderId);
    } catch (err) {
      if (classifyError(err) === 'other') throw err;
      return 'unreachable';
    }
  }

  /** One attempt at `SELECT 1`: for the health check, which must answer fast. */
  async ping(): Promise<{ ok: true } | { ok: false; errorClass: ErrorClass; message: string }> {
    try {
      await sql`SELECT 1`.execute(this.db);
      return { ok: true };
    } catch (err) {
      return { ok: false, errorClass: classifyError(err), message: err instanceof Error ? err.message : String(err) };
    }
  }

  destroy(): Promise<void> {
    return this.db.destroy();
  }
}
