/** Running experiments from tests: definition files, `faultline run --json`, and waiting for a phase. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExperimentReport } from '../../../src/activities/report/report-types';
import type { WorkflowHandle } from '@temporalio/client';
import { statusQuery } from '../../../src/shared/experiment-contract';
import { runCli, type CliResult } from './run-cli';

/** Writes a definition where `faultline run` can read it; returns the file. */
export function writeDefinition(name: string, definition: unknown): string {
  const file = path.join(os.tmpdir(), `faultline-${name}-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(definition));
  return file;
}

export interface RunOutcome {
  cli: CliResult;
  /** The last line `faultline run --json` prints. */
  last: { workflowId: string; verdict: string; report: { json: string; html: string } };
  report: ExperimentReport;
  /** The JUnit XML file `--junit` wrote. */
  junit: string;
}

/** `faultline run FILE --json --junit FILE` as a user would run it; it must exit 0. */
export async function runExperiment(name: string, definition: unknown, timeoutMs: number): Promise<RunOutcome> {
  const junit = path.join(os.tmpdir(), `faultline-${name}-${process.pid}.junit.xml`);
  const cli = await runCli(['run', writeDefinition(name, definition), '--json', '--junit', junit], {}, timeoutMs);
  assert.equal(cli.code, 0, `${cli.stdout}\n${cli.stderr}`);
  const last = JSON.parse(cli.stdout.trim().split('\n').pop()!) as RunOutcome['last'];
  return { cli, last, report: JSON.parse(readFileSync(last.report.json, 'utf8')) as ExperimentReport, junit };
}

/** Waits until the experiment's `status` query answers this phase. */
export async function waitForPhase(handle: WorkflowHandle, phase: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await handle.query(statusQuery).catch(() => undefined);
    if (status?.phase === phase) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`experiment did not reach phase ${phase} within ${timeoutMs} ms`);
}
