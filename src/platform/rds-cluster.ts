/** A DB cluster as the RDS API describes it, and its writer: for the RDS fault and the lab's doctor. */
import { DescribeDBClustersCommand, type DBCluster, type RDSClient } from '@aws-sdk/client-rds';

export async function describeCluster(rds: RDSClient, cluster: string): Promise<DBCluster | undefined> {
  try {
    return (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }))).DBClusters?.[0];
  } catch (err) {
    if ((err as { name?: string }).name === 'DBClusterNotFoundFault') return undefined;
    throw err;
  }
}

export const writerOf = (cluster: DBCluster): string =>
  cluster.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier ?? '';
