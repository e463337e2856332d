/** The lab's end-to-end slice: a workflow reads the business tables through an activity. */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';
import type { ProductCount } from '../activities/probes/count-products';

const { countProducts } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

export async function probeDatabase(connection: string): Promise<ProductCount> {
  return await countProducts(connection);
}
