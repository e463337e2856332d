/**
 * `faultline leases [--sweep] [--json]`: the dead man's switch's leases in the Docker engine, with
 * what the watchdog would do with each. `--sweep` does it now (what every worker does every 5 s).
 */
import { sweepLeases } from '../../worker/lease-watchdog';
import { connectClient } from '../../platform/temporal-connection';
import { defineCommand } from '../command';

export const leasesCommand = defineCommand({
  summary: "list the dead man's switch's fault leases, or restore the expired and orphaned ones now",
  options: {
    sweep: {
      type: 'boolean',
      description: 'restore the expired and orphaned ones now (as every worker does every 5 s)',
    },
    json: { type: 'boolean', description: 'one JSON array' },
  },
  examples: ['faultline leases', 'faultline leases --sweep'],
  async run({ values }) {
    const client = await connectClient().catch(() => undefined);
    try {
      const entries = await sweepLeases({ client, act: values.sweep });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(entries)}\n`);
      } else if (entries.length === 0) {
        process.stdout.write('no fault leases: no fault is on\n');
      } else {
        for (const e of entries) {
          const outcome = e.outcome ? `, ${e.outcome}` : '';
          process.stdout.write(
            `${e.lease}  ${e.target}  workflow ${e.workflowId}  expires ${e.expiresAt}  ${e.restore ? 'restore' : 'keep'}: ${e.reason}${outcome}\n`,
          );
        }
      }
      return 0;
    } finally {
      await client?.connection.close();
    }
  },
});
