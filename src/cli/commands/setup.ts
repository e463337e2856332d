import { registerSearchAttributes } from '../../lab/search-attributes';
import { registrationInstructions } from '../../lab/search-attribute-instructions';
import { configuredTemporal, describeTarget } from '../../platform/temporal-target';
import { defineCommand } from '../command';

export const setupCommand = defineCommand({
  summary: "register faultline's search attributes on the configured Temporal server",
  description:
    'The server is the one TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_PROFILE and the other TEMPORAL_* variables ' +
    "or the temporal CLI's config file name (docs/temporal.md). Where this caller may not register them " +
    '(Temporal Cloud, or no operator permission), it prints the commands that do, for Temporal Cloud and self-hosted.',
  options: {},
  examples: ['TEMPORAL_ADDRESS=temporal.example:7233 faultline setup', 'TEMPORAL_PROFILE=staging faultline setup'],
  async run() {
    const target = configuredTemporal();
    const registered = await registerSearchAttributes(target);
    if (!('added' in registered)) {
      process.stderr.write(registrationInstructions(registered));
      return 1;
    }
    process.stdout.write(
      registered.added.length
        ? `registered ${registered.added.join(', ')} on ${describeTarget(target)}\n`
        : `search attributes already registered on ${describeTarget(target)}\n`,
    );
    return 0;
  },
});
