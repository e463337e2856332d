/**
 * The CLI's and activities' connection to Temporal: the configured server (temporal-target.ts),
 * or the one given. A failure says which server, from which settings, and why, naming the setting
 * to change (temporal-diagnosis.ts).
 */
import { Client, Connection } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { diagnoseTemporalConnection } from './temporal-diagnosis';
import { configuredTemporal, describeTarget, type TemporalTarget } from './temporal-target';

/** The error of a failed connection to `target`, with its cause and fix. */
export async function temporalConnectError(target: TemporalTarget, err: unknown): Promise<Error> {
  const why = (await diagnoseTemporalConnection(target, err).catch(() => null)) ?? (err as Error).message;
  const fix = target.lab
    ? 'run `bin/faultline up`, or configure your Temporal (see docs/temporal.md)'
    : 'see docs/temporal.md';
  return new Error(`Temporal server ${describeTarget(target)} is not reachable: ${why}; ${fix}`);
}

export async function connectTemporal(
  target: TemporalTarget = configuredTemporal(),
  timeout: Duration = '5s',
): Promise<Connection> {
  try {
    // Its connect calls GetSystemInfo: an API key refused fails here.
    return await Connection.connect({ ...target.connection, connectTimeout: timeout });
  } catch (err) {
    throw await temporalConnectError(target, err);
  }
}

export async function connectClient(target: TemporalTarget = configuredTemporal()): Promise<Client> {
  return new Client({ connection: await connectTemporal(target), namespace: target.namespace });
}
