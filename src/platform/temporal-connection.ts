/** Connections to the Temporal server named by the lab settings (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE). */
import { Client, Connection } from '@temporalio/client';
import { labSettings } from './settings';

export async function connectClient(): Promise<Client> {
  const settings = labSettings();
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: settings.temporalAddress, connectTimeout: '5s' });
  } catch (err) {
    throw new Error(
      `Temporal server at ${settings.temporalAddress} is not reachable (${(err as Error).message}): ` +
        'run `bin/faultline up`, or set TEMPORAL_ADDRESS',
    );
  }
  return new Client({ connection, namespace: settings.temporalNamespace });
}
