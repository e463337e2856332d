/**
 * The payment store's behaviour in memory, for the real HTTP API without a database: idempotent
 * create, conflict on another amount, confirm once; `down` makes every operation fail as an
 * unreachable database does after its retries (503).
 */
import type { Kysely } from 'kysely';
import type { BusinessDatabase } from '../../../src/platform/database/business-database';
import type { Payment } from '../../../src/shared/payment-types';
import {
  DatabaseUnavailableError,
  PaymentConflictError,
  PaymentStore,
  type Attempted,
} from '../../../src/service/payment-store';

export class MemoryPaymentStore extends PaymentStore {
  readonly payments = new Map<string, Payment>();
  down = false;

  constructor() {
    // Never used: every operation is overridden below.
    super(undefined as unknown as Kysely<BusinessDatabase>, { attempts: 1, delayMs: 0 });
  }

  private answer<T>(operation: () => T): Promise<Attempted<T>> {
    if (this.down) return Promise.reject(new DatabaseUnavailableError(3, 'connection_refused', new Error('down')));
    try {
      return Promise.resolve({ value: operation(), attempts: 1 });
    } catch (err) {
      return Promise.reject(Object.assign(err as Error, { attempts: 1 }));
    }
  }

  override create(orderId: string, cents: number): Promise<Attempted<{ payment: Payment; created: boolean }>> {
    return this.answer(() => {
      const existing = this.payments.get(orderId);
      if (existing && Math.round(existing.amount * 100) !== cents)
        throw new PaymentConflictError(orderId, Math.round(existing.amount * 100));
      if (existing) return { payment: existing, created: false };
      const payment: Payment = {
        order_id: orderId,
        amount: cents / 100,
        status: 'pending',
        created_at: new Date().toISOString(),
        confirmed_at: null,
      };
      this.payments.set(orderId, payment);
      return { payment, created: true };
    });
  }

  override find(orderId: string): Promise<Attempted<Payment | undefined>> {
    return this.answer(() => this.payments.get(orderId));
  }

  override confirm(orderId: string): Promise<Attempted<{ payment: Payment; changed: boolean } | undefined>> {
    return this.answer(() => {
      const existing = this.payments.get(orderId);
      if (!existing) return undefined;
      if (existing.status === 'confirmed') return { payment: existing, changed: false };
      const payment: Payment = { ...existing, status: 'confirmed', confirmed_at: new Date().toISOString() };
      this.payments.set(orderId, payment);
      return { payment, changed: true };
    });
  }

  override peek(orderId: string): Promise<Payment | undefined | 'unreachable'> {
    return Promise.resolve(this.down ? 'unreachable' : this.payments.get(orderId));
  }

  override ping(): ReturnType<PaymentStore['ping']> {
    return Promise.resolve(this.down ? { ok: false, errorClass: 'connection_refused', message: 'down' } : { ok: true });
  }

  override destroy(): Promise<void> {
    return Promise.resolve();
  }
}
