/** Where clients (faultline's workers, the lab's doctor) reach the payment service. */
import { serviceSettings } from '../service-settings';

/** Where faultline's workers reach the payment service (FAULTLINE_PAYMENT_SERVICE_URL, or the lab's). */
export function paymentServiceUrl(): string {
  return process.env.FAULTLINE_PAYMENT_SERVICE_URL || `http://127.0.0.1:${serviceSettings().port}`;
}

/** The named connection of the payment service's database (FAULTLINE_SERVICE_CONNECTION, as the service reads it). */
export function paymentServiceConnection(): string {
  return serviceSettings().connection;
}
