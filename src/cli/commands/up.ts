import { labUp } from '../../lab/lab';
import { labSettings } from '../../platform/settings';
import type { Command } from '../command';

export const upCommand: Command = {
  summary: 'start the lab in the background: containers, Temporal dev server (Web UI), workers',
  async run() {
    await labUp();
    const settings = labSettings();
    process.stdout.write(
      `lab is up: Temporal ${settings.temporalAddress}, Web UI http://127.0.0.1:${settings.temporalUiPort}, ` +
        `db 127.0.0.1:${settings.dbPort}, proxy 127.0.0.1:${settings.proxyPort} (logs in ${settings.labDir}/logs)\n`,
    );
    return 0;
  },
};
