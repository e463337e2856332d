import { labDown } from '../../lab/lab';
import { defineCommand } from '../command';

export const downCommand = defineCommand({
  summary: 'stop what `faultline up` started',
  options: {},
  examples: ['faultline down'],
  async run() {
    await labDown();
    process.stdout.write('lab is down\n');
    return 0;
  },
});
