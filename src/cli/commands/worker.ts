import { runFaultlineWorker } from '../../worker/run-faultline-worker';
import { defineCommand } from '../command';

export const workerCommand = defineCommand({
  summary: 'run the faultline worker in the foreground (task queue `faultline`)',
  description:
    'Runs a faultline worker in the foreground: task queue `faultline`, and one shard at a time of ' +
    '`faultline-shards`. It reads TEMPORAL_ADDRESS and the FAULTLINE_CONNECTION_<NAME> variables.',
  options: {},
  examples: ['TEMPORAL_ADDRESS=lab-host:7233 faultline worker'],
  async run() {
    await runFaultlineWorker();
    return 0;
  },
});
