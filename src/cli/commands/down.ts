import { labDown } from '../../lab/lab';
import type { Command } from '../command';

export const downCommand: Command = {
  summary: 'stop what `faultline up` started',
  async run() {
    await labDown();
    process.stdout.write('lab is down\n');
    return 0;
  },
};
