import { parseArgs } from 'node:util';
import { labUp, MAX_FAULTLINE_WORKERS } from '../../lab/lab';
import { labSettings } from '../../platform/settings';
import type { Command } from '../command';

export const upCommand: Command = {
  summary: 'start the lab in the background: containers, Temporal dev server (Web UI), workers [--workers N]',
  async run(args) {
    const { values } = parseArgs({ args, options: { workers: { type: 'string', default: '1' } } });
    const workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > MAX_FAULTLINE_WORKERS)
      throw new Error(`--workers must be a whole number from 1 to ${MAX_FAULTLINE_WORKERS}`);
    await labUp({ faultlineWorkers: workers, applyConnections: true });
    const settings = labSettings();
    process.stdout.write(
      `lab is up: Temporal ${settings.temporalAddress}, Web UI http://127.0.0.1:${settings.temporalUiPort}, ` +
        `db 127.0.0.1:${settings.dbPort}, proxy 127.0.0.1:${settings.proxyPort} (logs in ${settings.labDir}/logs)\n`,
    );
    return 0;
  },
};
