import { ensureSearchAttributes } from '../../lab/search-attributes';
import { configuredTemporal, describeTarget } from '../../platform/temporal-target';
import { defineCommand } from '../command';

export const setupCommand = defineCommand({
  summary: "register faultline's search attributes on the configured Temporal server",
  description:
    'The server is the one TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_PROFILE and the other TEMPORAL_* variables ' +
    "or the temporal CLI's config file name (docs/temporal.md).",
  options: {},
  examples: ['TEMPORAL_ADDRESS=temporal.example:7233 faultline setup', 'TEMPORAL_PROFILE=staging faultline setup'],
  async run() {
    const target = configuredTemporal();
    const added = await ensureSearchAttributes(target);
    process.stdout.write(
      added.length
        ? `registered ${added.join(', ')} on ${describeTarget(target)}\n`
        : `search attributes already registered on ${describeTarget(target)}\n`,
    );
    return 0;
  },
});
