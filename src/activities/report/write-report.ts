/**
 * `writeReport`: the report in its three forms, written under <reports root>/<directory>/<experiment>/.
 * The figures come from the files the measurements wrote there (each path's final checkpoint and
 * timeline, the payment workload's state), not from the workflow: they can be any size.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExperimentOutcome, ReportFiles } from '../../shared/experiment-types';
import type { PaymentWorkloadResult } from '../../shared/payment-types';
import type { WorkloadResult } from '../../shared/workload-types';
import { readCheckpointFile } from '../workload/measurement/measure-path-files';
import { resultFromCheckpoint } from '../workload/measurement/checkpoint-result';
import { PaymentMetrics } from '../workload/payments/payment-metrics';
import { readPaymentState } from '../workload/payments/payment-state';
import { TimelineFile } from '../workload/measurement/timeline-file';
import { renderConsole } from './render-console';
import { renderHtml } from './render-html';
import { buildReport } from './report-model';
import { experimentDirectory } from './report-paths';

function pathResult(checkpointFile: string): WorkloadResult {
  const result = resultFromCheckpoint(readCheckpointFile(checkpointFile));
  const file = result.timeline.file;
  return file
    ? { ...result, timeline: { bucketMs: result.timeline.bucketMs, buckets: TimelineFile.read(file), file } }
    : result;
}

function paymentResult(stateFile: string): PaymentWorkloadResult {
  const state = readPaymentState(stateFile);
  const metrics = PaymentMetrics.fromCheckpoint(state.metrics);
  try {
    return {
      channels: state.channels,
      ratePerSecond: state.ratePerSecond,
      phases: metrics.stats(),
      skipped: state.skipped,
      gaps: state.gaps,
      stoppedBy: state.end?.stoppedBy ?? 'cancelled',
    };
  } finally {
    metrics.destroy();
  }
}

export async function writeReport(outcome: ExperimentOutcome): Promise<{ files: ReportFiles; summary: string }> {
  const workloads = outcome.paths.filter((p) => existsSync(p.checkpointFile)).map((p) => pathResult(p.checkpointFile));
  const payments =
    outcome.payments && existsSync(outcome.payments.workload.stateFile)
      ? paymentResult(outcome.payments.workload.stateFile)
      : undefined;
  const report = buildReport(outcome, workloads, payments);
  const dir = experimentDirectory(outcome.definition.report.directory, outcome.experimentId);
  await mkdir(dir, { recursive: true });
  const files: ReportFiles = {
    json: path.join(dir, 'report.json'),
    html: path.join(dir, 'report.html'),
    console: path.join(dir, 'summary.txt'),
  };
  const summary = renderConsole(report);
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.html, renderHtml(report));
  await writeFile(files.console, summary);
  return { files, summary };
}
