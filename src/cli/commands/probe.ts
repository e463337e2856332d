import { experimentTaskQueue } from '../../platform/settings';
import { connectClient } from '../../platform/temporal-connection';
import type { probeDatabase } from '../../workflows';
import { defineCommand } from '../command';

export const probeCommand = defineCommand({
  summary: 'read business_products through a connection, in the probeDatabase workflow',
  arguments: [
    { name: 'CONNECTION', optional: true, description: 'a named connection: direct, proxy, ... (default: direct)' },
  ],
  options: {},
  examples: ['faultline probe', 'faultline probe proxy'],
  async run({ args }) {
    const connection = args[0] ?? 'direct';
    const client = await connectClient();
    try {
      const result = await client.workflow.execute<typeof probeDatabase>('probeDatabase', {
        taskQueue: experimentTaskQueue(),
        workflowId: `probe-${connection}-${Date.now()}`,
        args: [connection],
        workflowExecutionTimeout: '2 minutes',
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    } finally {
      await client.connection.close();
    }
  },
});
