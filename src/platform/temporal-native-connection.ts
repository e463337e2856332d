/**
 * Workers' connection to Temporal (the SDK's native one): the configured server
 * (temporal-target.ts), or the one given, failing as the client's does (temporal-connection.ts).
 */
import { NativeConnection } from '@temporalio/worker';
import { temporalConnectError } from './temporal-connection';
import { configuredTemporal, type TemporalTarget } from './temporal-target';

export async function connectWorkerToTemporal(
  target: TemporalTarget = configuredTemporal(),
): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(target.connection);
  } catch (err) {
    throw await temporalConnectError(target, err);
  }
}
