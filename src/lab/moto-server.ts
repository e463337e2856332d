/**
 * The AWS RDS API emulator for tests: moto in server mode on 127.0.0.1 (never real AWS).
 * Started by the test harness; the worker finds it through FAULTLINE_RDS_ENDPOINT.
 */
import { existsSync } from 'node:fs';
import { runningProcess, startBackgroundProcess, stopBackgroundProcess } from './background-process';
import { labSettings } from '../platform/settings';
import { waitUntil } from './wait-until';

const NAME = 'moto-server';

export function motoEndpoint(): string {
  return `http://127.0.0.1:${process.env.FAULTLINE_MOTO_PORT || '5055'}`;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    return response.status < 500;
  } catch {
    return false;
  }
}

export async function startMotoServer(): Promise<string> {
  const endpoint = motoEndpoint();
  if (await answers(endpoint)) return endpoint;
  const settings = labSettings();
  if (!existsSync(settings.motoServer))
    throw new Error(`moto_server is missing at ${settings.motoServer}: run \`bash scripts/provision.sh\``);
  startBackgroundProcess(NAME, settings.motoServer, ['-H', '127.0.0.1', '-p', new URL(endpoint).port]);
  await waitUntil(`moto server (RDS API emulator) on ${endpoint}`, () => answers(endpoint), {
    timeoutMs: 60_000,
    intervalMs: 250,
    hint: 'see .lab/logs/moto-server.log',
  });
  return endpoint;
}

export async function stopMotoServer(): Promise<void> {
  if (runningProcess(NAME)) await stopBackgroundProcess(NAME);
}
