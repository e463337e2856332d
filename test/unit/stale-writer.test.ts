/**
 * The stale-writer window (report/stale-writer.ts) from a span's read-only errors: their first and
 * last times survive a checkpoint and a merge of spans, in bounded memory (two numbers per class).
 * test/integration/aurora-lab.test.ts holds it to the lab's writer endpoint's own log of its switch.
 */
import assert from 'node:assert/strict';
import { SpanMetrics } from '../../src/activities/workload/measurement/span-metrics';
import { detectionNote } from '../../src/activities/report/detection-notes';
import { staleWriterText, staleWriterWindows } from '../../src/activities/report/stale-writer';
import type { PathReport } from '../../src/activities/report/report-types';
import type { WorkloadResult } from '../../src/shared/workload-types';

const T0 = Date.parse('2026-12-02T07:15:11.000Z');

describe('stale-writer window: the span of read-only errors a path met', () => {
  it('keeps the first and the last failure of each error class across a checkpoint and a merge', () => {
    const fault = new SpanMetrics('fault');
    fault.recordFailure(
      'update_stock',
      'write',
      'read_only',
      '25006',
      'cannot execute UPDATE in a read-only transaction',
      T0 + 300,
    );
    fault.recordFailure(
      'create_order',
      'write',
      'read_only',
      '25006',
      'cannot execute INSERT in a read-only transaction',
      T0 + 2100,
    );
    const recovery = SpanMetrics.fromCheckpoint(new SpanMetrics('recovery').checkpoint());
    recovery.recordFailure('update_stock', 'write', 'read_only', '25006', 'read-only', T0 + 4800);
    const overall = SpanMetrics.fromCheckpoint(fault.checkpoint());
    overall.absorb(recovery);
    const e = overall.stats(T0, T0 + 10_000).errors.read_only!;
    assert.equal(e.count, 3);
    assert.equal(e.firstAt, new Date(T0 + 300).toISOString());
    assert.equal(e.lastAt, new Date(T0 + 4800).toISOString());
    for (const s of [fault, recovery, overall]) s.destroy();
  });

  it('takes the earliest and the latest failure whatever order they were filed in', () => {
    const span = new SpanMetrics('fault');
    for (const at of [T0 + 900, T0 + 200, T0 + 1500, T0 + 700])
      span.recordFailure('create_order', 'write', 'read_only', '25006', 'read-only', at);
    const e = span.stats(T0, T0 + 2000).errors.read_only!;
    assert.equal(e.firstAt, new Date(T0 + 200).toISOString());
    assert.equal(e.lastAt, new Date(T0 + 1500).toISOString());
    span.destroy();
  });

  it('gives each path its window and its write downtime, and says so when a path met no read-only error', () => {
    const path = (name: string, errors: PathReport['overall']['errors']) =>
      ({ path: name, overall: { errors } }) as unknown as PathReport;
    const outage = (start: number, end: number | null) => ({
      start: new Date(T0 + start).toISOString(),
      end: end === null ? null : new Date(T0 + end).toISOString(),
      failures: 3,
    });
    const workloads = [
      // one before the inject, and a downtime window overlapping the second
      {
        connection: 'aurora',
        writeOutages: [outage(-500, 1000), outage(2000, 6500)],
        downtime: { windows: [{ ...outage(1500, 2500), durationMs: 1000, stalls: 0 }] },
      },
      // every worker held: a downtime window and no write attempted
      {
        connection: 'aurora-proxy',
        writeOutages: [],
        downtime: { windows: [{ ...outage(3000, null), durationMs: 7000, stalls: 3 }] },
      },
    ] as unknown as WorkloadResult[];
    const [aurora, proxy] = staleWriterWindows(
      [
        path('aurora', {
          read_only: {
            count: 41,
            sqlStates: { '25006': 41 },
            example: 'read-only',
            firstAt: new Date(T0 + 367).toISOString(),
            lastAt: new Date(T0 + 4990).toISOString(),
          },
        }),
        path('aurora-proxy', {}),
      ],
      workloads,
      T0,
      T0 + 10_000,
    );
    assert.deepEqual(aurora, {
      path: 'aurora',
      readOnlyErrors: 41,
      firstAt: '2026-12-02T07:15:11.367Z',
      lastAt: '2026-12-02T07:15:15.990Z',
      spanMs: 4623,
      writeDowntimeMs: 1000 + 5000,
    });
    assert.equal(
      staleWriterText(aurora!),
      'aurora: writes down 6.00 s; 41 read-only errors (25006) over 4.62 s, 07:15:11.367 to 07:15:15.990',
    );
    assert.equal(proxy!.spanMs, 0);
    assert.equal(proxy!.writeDowntimeMs, 7000);
    assert.equal(staleWriterText(proxy!), 'aurora-proxy: writes down 7.00 s; no read-only error (25006)');
  });

  it('explains a detection above the ground truth by the writes that met a read-only server', () => {
    const readOnly = { count: 29, lastAt: new Date(T0 + 4000).toISOString() };
    assert.match(
      detectionNote(5853, 3699, undefined, T0, readOnly)!,
      /^its writes met a read-only server \(29 errors 25006, the last at 2026-12-02T07:15:15.000Z\).* down 2.2 s longer/,
    );
    assert.equal(detectionNote(5853, 3699, undefined, T0 + 5000, readOnly), undefined, 'not this cycle: no note');
    assert.equal(detectionNote(3800, 3699, undefined, T0, readOnly), undefined, 'within 250 ms: nothing to explain');
  });
});
