import { EXPERIMENT_TASK_QUEUE } from '../../workflows/chaos-experiment/contract';
import { connectClient } from '../../platform/temporal-connection';
import type { probeDatabase } from '../../workflows';
import type { Command } from '../command';

export const probeCommand: Command = {
  summary: 'run the probeDatabase workflow: read business_products through a connection (default direct)',
  async run(args) {
    const connection = args[0] ?? 'direct';
    const client = await connectClient();
    try {
      const result = await client.workflow.execute<typeof probeDatabase>('probeDatabase', {
        taskQueue: EXPERIMENT_TASK_QUEUE,
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
};
