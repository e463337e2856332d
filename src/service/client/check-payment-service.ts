/** Part of the steady-state hypothesis when an experiment runs payments: the service's GET /health answers 200. */
import { paymentServiceUrl } from './service-url';
import type { PaymentServiceCheck } from '../../shared/steady-state-types';

export async function checkPaymentService(): Promise<PaymentServiceCheck> {
  try {
    const response = await fetch(`${paymentServiceUrl()}/health`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json().catch(() => undefined)) as unknown;
    return response.status === 200
      ? { holds: true, status: 200, body }
      : { holds: false, status: response.status, body, reason: `payment service health ${response.status}` };
  } catch (err) {
    return {
      holds: false,
      status: null,
      reason: `payment service unreachable at ${paymentServiceUrl()}: ${(err as Error).message}`,
    };
  }
}
