import { labUp, MAX_FAULTLINE_WORKERS } from '../../lab/lab';
import { labSettings } from '../../platform/settings';
import { defineCommand, wholeNumber } from '../command';

export const upCommand = defineCommand({
  summary: 'start the lab in the background: containers, Temporal dev server (Web UI), workers',
  description:
    'Starts the lab in the background, idempotently: its containers, the Temporal dev server (Web UI), the faultline ' +
    'workers and the payment service. A worker whose code or environment changed is restarted.',
  options: {
    workers: {
      type: 'string',
      value: 'N',
      description: 'faultline worker processes (each takes one shard: workload.shards)',
      default: '1',
      check: wholeNumber(1, MAX_FAULTLINE_WORKERS),
    },
  },
  examples: ['faultline up', 'faultline up --workers 2'],
  async run({ values }) {
    const workers = Number(values.workers);
    await labUp({ faultlineWorkers: workers, applyConnections: true });
    const settings = labSettings();
    process.stdout.write(
      `lab is up: Temporal ${settings.temporalAddress}, Web UI http://127.0.0.1:${settings.temporalUiPort}, ` +
        `db 127.0.0.1:${settings.dbPort}, proxy 127.0.0.1:${settings.proxyPort} (logs in ${settings.labDir}/logs)\n`,
    );
    return 0;
  },
});
