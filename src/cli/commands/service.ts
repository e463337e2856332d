import { runPaymentService } from '../../service/run-payment-service';
import type { Command } from '../command';

export const serviceCommand: Command = {
  summary: 'run the payment service in the foreground (HTTP API + worker on task queue `payment-service`)',
  async run() {
    await runPaymentService();
    return 0;
  },
};
