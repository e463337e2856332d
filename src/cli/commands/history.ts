/**
 * `faultline history`: past experiments from Temporal's visibility, newest first, with start
 * time, fault, verdict and downtime per path (the trend of a nightly drill). `--json` for machines.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { ExperimentReport } from '../../activities/report/report-types';
import type { ExperimentResult } from '../../shared/experiment-types';
import { EXPERIMENT_WORKFLOW_TYPE } from '../../shared/experiment-contract';
import { connectClient } from '../../platform/temporal-connection';
import { defineCommand, wholeNumber } from '../command';
import { historyHtml } from '../history-html';
import type { HistoryRow } from '../history-row';
import { missingInQuery, missingNote, serverMissing } from '../history-visibility';

/** The name and success rates a run's report gives; nulls when it cannot be read here. */
async function reportFigures(file: string | undefined): Promise<Pick<HistoryRow, 'name' | 'successRate'>> {
  if (!file) return { name: null, successRate: null };
  try {
    const report = JSON.parse(await readFile(file, 'utf8')) as ExperimentReport;
    const successRate: Record<string, number> = {};
    for (const p of report.paths) {
      const { successes, failures } = p.overall.total;
      if (successes + failures > 0) successRate[p.path] = successes / (successes + failures);
    }
    return { name: report.name, successRate };
  } catch {
    return { name: null, successRate: null };
  }
}

/** The newest `limit` experiments in Temporal's visibility (optionally narrowed by a visibility query). */
async function listExperiments(
  limit: number,
  extraQuery: string | undefined,
  missing: string[] | null,
): Promise<HistoryRow[]> {
  const client = await connectClient();
  const rows: HistoryRow[] = [];
  const query = `WorkflowType = "${EXPERIMENT_WORKFLOW_TYPE}"${extraQuery ? ` AND (${extraQuery})` : ''}`;
  try {
    for await (const w of client.workflow.list({ query })) {
      const sa = (name: string) => {
        const v = w.searchAttributes?.[name];
        return Array.isArray(v) && v.length ? String(v[0]) : null;
      };
      let result: ExperimentResult | undefined;
      if (w.status.name === 'COMPLETED')
        result = (await client.workflow
          .getHandle(w.workflowId, w.runId)
          .result()
          .catch(() => undefined)) as ExperimentResult | undefined;
      rows.push({
        workflowId: w.workflowId,
        startTime: w.startTime.toISOString(),
        status: w.status.name,
        fault: sa('FaultlineFault'),
        target: sa('FaultlineTarget'),
        verdict: sa('FaultlineVerdict') ?? result?.verdict ?? null,
        downtimeMs: result?.downtimeMs ?? null,
        ...(await reportFigures(result?.report.json)),
        schedule: sa('TemporalScheduledById'),
        ...(result?.searchAttributesMissing ? { searchAttributesMissing: result.searchAttributesMissing } : {}),
      });
      if (rows.length >= limit) break;
    }
  } catch (err) {
    throw missingInQuery(err, query, missing) ?? err;
  } finally {
    await client.connection.close();
  }
  return rows;
}

function historyTable(rows: HistoryRow[]): string {
  let text = `${'started'.padEnd(24)} ${'verdict'.padEnd(9)} ${'status'.padEnd(10)} ${'fault'.padEnd(22)} ${'target'.padEnd(16)} downtime per path   workflow id\n`;
  for (const r of rows) {
    const downtime = r.downtimeMs
      ? Object.entries(r.downtimeMs)
          .map(([p, ms]) => `${p} ${(ms / 1000).toFixed(1)}s`)
          .join(', ')
      : '-';
    text += `${r.startTime.padEnd(24)} ${(r.verdict ?? '-').padEnd(9)} ${r.status.padEnd(10)} ${(r.fault ?? '-').padEnd(22)} ${(r.target ?? '-').padEnd(16)} ${downtime.padEnd(19)} ${r.workflowId}${r.searchAttributesMissing ? `  (search attributes missing: ${r.searchAttributesMissing.join(', ')})` : ''}\n`;
  }
  return text;
}

export const historyCommand = defineCommand({
  summary: 'past experiments, newest first: start time, fault, verdict, downtime per path; their trends in HTML',
  description:
    "Past experiments from Temporal's visibility, newest first, with start time, fault, verdict and downtime per " +
    'path: the trend of a nightly drill.',
  options: {
    limit: { type: 'string', value: 'N', description: 'how many', default: '20', check: wholeNumber(1, 1000) },
    json: { type: 'boolean', description: 'one JSON array' },
    query: {
      type: 'string',
      value: 'QUERY',
      description: 'only those a visibility query matches too, e.g. \'FaultlineVerdict = "violated"\'',
    },
    html: { type: 'string', value: 'FILE', description: 'also write their trends there, one HTML page' },
  },
  examples: ['faultline history --limit 5', 'faultline history --limit 200 --html trends.html'],
  async run({ values }) {
    const missing = await serverMissing();
    if (missing?.length) process.stderr.write(missingNote(missing));
    const rows = await listExperiments(Number(values.limit), values.query, missing);
    rows.sort((a, b) => b.startTime.localeCompare(a.startTime));
    if (values.html) {
      await writeFile(values.html, historyHtml(rows, new Date()));
      process.stderr.write(`trends of ${rows.length} experiments: ${values.html}\n`);
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify(rows)}\n`);
      return 0;
    }
    process.stdout.write(historyTable(rows));
    return 0;
  },
});
