/** `writeReport`: the report in its three forms, written under <directory>/<experimentId>/. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lab/lab-settings';
import type { ExperimentOutcome, ReportFiles } from '../../shared/experiment-types';
import { renderConsole } from './render-console';
import { renderHtml } from './render-html';
import { buildReport } from './report-model';

export function reportDirectory(directory: string, experimentId: string): string {
  return path.resolve(PROJECT_ROOT, directory, experimentId.replace(/[^\w.-]/g, '_'));
}

export async function writeReport(outcome: ExperimentOutcome): Promise<{ files: ReportFiles; summary: string }> {
  const report = buildReport(outcome);
  const dir = reportDirectory(outcome.definition.report.directory, outcome.experimentId);
  await mkdir(dir, { recursive: true });
  const files: ReportFiles = { json: path.join(dir, 'report.json'), html: path.join(dir, 'report.html'), console: path.join(dir, 'summary.txt') };
  const summary = renderConsole(report);
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.html, renderHtml(report));
  await writeFile(files.console, summary);
  return { files, summary };
}
