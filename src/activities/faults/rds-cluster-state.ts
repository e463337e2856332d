/**
 * An Aurora cluster as a fault sees it through the RDS API: the client (FAULTLINE_RDS_ENDPOINT, or
 * the SDK's own endpoint when unset or `aws`), an instance's status, and the waits of a fault: until a failover has a new writer and the cluster is available again, or until
 * a rebooted instance is available again.
 */
import { ApplicationFailure } from '@temporalio/common';
import { DescribeDBInstancesCommand, RDSClient, type DBCluster } from '@aws-sdk/client-rds';
import { describeCluster, writerOf } from '../../platform/rds-cluster';
import type { RdsFault } from '../../shared/experiment-schema';
import type { ResolvedRdsTarget } from '../../shared/fault-types';

export function rdsClient(fault: RdsFault): RDSClient {
  const set = process.env.FAULTLINE_RDS_ENDPOINT?.trim();
  const endpoint = set && set !== 'aws' ? set : undefined;
  return new RDSClient({ ...(fault.region ? { region: fault.region } : {}), ...(endpoint ? { endpoint } : {}) });
}

/** Aurora's engines: their instances reboot in place, ForceFailover is not theirs. */
export const isAurora = (cluster: DBCluster): boolean => (cluster.Engine ?? '').startsWith('aurora');

async function instanceStatus(rds: RDSClient, instance: string): Promise<string> {
  const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instance }));
  return out.DBInstances?.[0]?.DBInstanceStatus ?? 'missing';
}

const timeout = (message: string) => ApplicationFailure.nonRetryable(message, 'FailoverTimeout');

export interface FailoverSeen {
  writerChangedAt: string | null;
  newWriter: string;
}

/**
 * Polls until the writer changed (`needsNewWriter`) and the cluster is available, or, after a
 * reboot of `rebooting`, until that instance is available again too.
 */
export async function pollCluster(
  rds: RDSClient,
  fault: RdsFault,
  target: ResolvedRdsTarget,
  wait: { needsNewWriter: boolean; rebooting?: string },
  note: (message: string) => void,
  keep: () => void,
): Promise<FailoverSeen> {
  const deadline = Date.now() + fault.waitTimeoutSeconds * 1000;
  let writerChangedAt: string | null = null;
  let newWriter = target.writer;
  let [lastStatus, lastInstance] = ['', ''];
  for (;;) {
    const cluster = await describeCluster(rds, target.cluster);
    const status = cluster?.Status ?? 'missing';
    if (status !== lastStatus) note(`cluster status ${status}`);
    lastStatus = status;
    const writer = cluster ? writerOf(cluster) : '';
    if (writer && writer !== target.writer && !writerChangedAt) {
      writerChangedAt = new Date().toISOString();
      newWriter = writer;
      note(`writer changed: ${target.writer} -> ${writer}`);
    }
    let instanceReady = true;
    if (wait.rebooting) {
      const now = await instanceStatus(rds, wait.rebooting);
      if (now !== lastInstance) note(`instance ${wait.rebooting} status ${now}`);
      lastInstance = now;
      instanceReady = now === 'available';
    }
    if (status === 'available' && instanceReady && (!wait.needsNewWriter || writerChangedAt))
      return { writerChangedAt, newWriter };
    if (Date.now() > deadline) {
      const what = wait.needsNewWriter && !writerChangedAt ? 'change writer' : 'become available';
      throw timeout(`cluster ${target.cluster} did not ${what} within ${fault.waitTimeoutSeconds} s`);
    }
    keep();
    await new Promise((r) => setTimeout(r, fault.pollIntervalMs));
  }
}
