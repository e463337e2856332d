import { labSettings } from '../../platform/settings';
import { ensureSearchAttributes } from '../../lab/search-attributes';
import type { Command } from '../command';

export const setupCommand: Command = {
  summary: "register faultline's search attributes on the Temporal server at TEMPORAL_ADDRESS",
  async run() {
    const added = await ensureSearchAttributes();
    const settings = labSettings();
    process.stdout.write(
      added.length
        ? `registered ${added.join(', ')} on ${settings.temporalAddress} (namespace ${settings.temporalNamespace})\n`
        : `search attributes already registered on ${settings.temporalAddress}\n`,
    );
    return 0;
  },
};
