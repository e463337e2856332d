import { labSettings } from '../../platform/settings';
import { ensureSearchAttributes } from '../../lab/search-attributes';
import { defineCommand } from '../command';

export const setupCommand = defineCommand({
  summary: "register faultline's search attributes on the Temporal server at TEMPORAL_ADDRESS",
  options: {},
  examples: ['TEMPORAL_ADDRESS=temporal.example:7233 faultline setup'],
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
});
