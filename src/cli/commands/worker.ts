import { runFaultlineWorker } from '../../worker/run-faultline-worker';
import type { Command } from '../command';

export const workerCommand: Command = {
  summary: 'run the faultline worker in the foreground (task queue `faultline`)',
  async run() {
    await runFaultlineWorker();
    return 0;
  },
};
