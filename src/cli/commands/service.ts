import { runPaymentService } from '../../service/run-payment-service';
import { defineCommand } from '../command';

export const serviceCommand = defineCommand({
  summary: 'run the payment service in the foreground (HTTP API + worker on task queue `payment-service`)',
  description:
    'Runs the payment service in the foreground: its HTTP API and its worker on task queue `payment-service`. ' +
    '`faultline up` starts one in the background.',
  options: {},
  examples: ['faultline service'],
  async run() {
    await runPaymentService();
    return 0;
  },
});
