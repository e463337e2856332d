/** Aurora clusters on moto (the RDS API emulator the root hooks start), for the RDS fault tests. */
import { CreateDBClusterCommand, CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';

/** A client of the moto endpoint the workers are pointed at (FAULTLINE_RDS_ENDPOINT). */
export const rds = (): RDSClient =>
  new RDSClient({
    endpoint: process.env.FAULTLINE_RDS_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! },
  });

/** A cluster of `instances` instances, opted in as a chaos target (its tag) or not. */
export async function createCluster(id: string, instances: number, optedIn: boolean): Promise<void> {
  const client = rds();
  await client.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: id,
      Engine: 'aurora-postgresql',
      MasterUsername: 'faultline',
      MasterUserPassword: 'not-a-real-password',
      Tags: optedIn ? [{ Key: 'faultline:target', Value: 'true' }] : [{ Key: 'team', Value: 'payments' }],
    }),
  );
  for (let i = 1; i <= instances; i++) {
    await client.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${id}-${i}`,
        DBClusterIdentifier: id,
        Engine: 'aurora-postgresql',
        DBInstanceClass: 'db.r6g.large',
      }),
    );
  }
}
