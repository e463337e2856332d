/**
 * The business workload's write ledger (pure logic and a real file; the lab tests hold the audit to
 * the tables: business-write-audit): identities that fit the seed's columns and parse back, the
 * answers a caller was told, and a ledger file that stays current at every flush.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  logDetailsOf,
  logRow,
  orderNumberOf,
  orderRow,
  writeSegmentPrefix,
} from '../../src/activities/workload/writes/write-ids';
import { decodeWrite, encodeWrite, WriteLedger } from '../../src/activities/workload/writes/write-ledger';
import { thrownBeforeCommit, writeAnswerOf } from '../../src/activities/workload/writes/write-answer';
import { WriteMarks, WriteTimes } from '../../src/activities/workload/writes/write-marks';

const pgError = (code: string, message = 'x', severity = 'ERROR') =>
  Object.assign(new Error(message), { code, severity });
const nodeError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('business write ledger (unit)', () => {
  it('makes identities that fit order_number VARCHAR(50) and parse back from both tables', () => {
    const prefix = writeSegmentPrefix({
      workflowId: 'a-very-long-experiment-id-'.repeat(5),
      runId: '0193a7c2-5b1e-7f00-8000-000000000000',
      connection: 'FAULTLINE_CONNECTION_WITH_A_LONG_NAME',
      shard: 63,
      attempt: 999,
    });
    const id = `${prefix}-3999999`;
    assert.ok(orderNumberOf(id).length <= 50, orderNumberOf(id));
    assert.deepEqual(orderRow(orderNumberOf(id)), { prefix, seq: 3_999_999, row: 'order' });
    assert.deepEqual(logRow(logDetailsOf(id)), { prefix, seq: 3_999_999, row: 'log' });
    assert.deepEqual(logRow(`order ${orderNumberOf(id)}: 2 x product 7 = 19.98`), {
      prefix,
      seq: 3_999_999,
      row: 'log',
    });
    assert.equal(orderRow('ORD-0b6c1a2e-uuid'), undefined);
    assert.equal(logRow('workload activity pgbench-0b6c1a2e'), undefined);
    assert.equal(logRow(`workload activity ${id}0x`), undefined);
    assert.doesNotMatch(prefix, /[_%]/); // safe in a LIKE pattern
  });

  it('tells failed (certainly not committed) from unknown (may have)', () => {
    assert.equal(writeAnswerOf(nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:15432')), 'failed');
    assert.equal(writeAnswerOf(pgError('57P03', 'the database system is starting up', 'FATAL')), 'failed');
    assert.equal(writeAnswerOf(pgError('28P01', 'password authentication failed', 'FATAL')), 'failed');
    assert.equal(writeAnswerOf(pgError('57014', 'canceling statement due to statement timeout')), 'failed');
    assert.equal(writeAnswerOf(pgError('25006', 'cannot execute INSERT in a read-only transaction')), 'failed');
    assert.equal(writeAnswerOf(pgError('23505')), 'failed');
    assert.equal(
      writeAnswerOf(pgError('57P01', 'terminating connection due to administrator command', 'FATAL')),
      'unknown',
    );
    assert.equal(writeAnswerOf(pgError('XX000', 'could not fsync', 'PANIC')), 'unknown');
    assert.equal(writeAnswerOf(pgError('08P01', 'server conn crashed?')), 'unknown');
    assert.equal(writeAnswerOf(nodeError('ECONNRESET', 'read ECONNRESET')), 'unknown');
    assert.equal(writeAnswerOf(nodeError('EPIPE', 'write EPIPE')), 'unknown'); // not a SQLSTATE
    assert.equal(writeAnswerOf(new Error('Query read timeout')), 'unknown');
    // In a transaction, anything before COMMIT went out: not committed.
    assert.equal(writeAnswerOf(thrownBeforeCommit(nodeError('ECONNRESET', 'read ECONNRESET'))), 'failed');
  });

  it('keeps its file current at each flush: kinds at the start, answers at the end', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ledger-')), 'direct.a1.writes');
    const ledger = new WriteLedger('fl-000000000000-0000p0000a1', file);
    const a = ledger.start('create_order')!;
    const b = ledger.start('purchase')!;
    const c = ledger.start('insert_log')!;
    ledger.end(a, 'acknowledged');
    const first = ledger.flush();
    assert.deepEqual({ length: first.length, complete: first.complete }, { length: 3, complete: false });
    const answers = () => [...readFileSync(file)].map(decodeWrite);
    assert.deepEqual(answers(), [
      { kind: 'create_order', answer: 'acknowledged' },
      { kind: 'purchase', answer: 'unknown' }, // in flight: no answer yet
      { kind: 'insert_log', answer: 'unknown' },
    ]);
    ledger.end(c, 'failed');
    ledger.end(b, 'refused');
    const last = ledger.close();
    assert.equal(last.complete, true);
    assert.deepEqual(
      answers().map((w) => w.answer),
      ['acknowledged', 'refused', 'failed'],
    );
    assert.equal(encodeWrite('purchase', 'unknown'), (3 << 3) | 4);
  });

  it('places each write in time between the marks around it', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'marks-')), 'direct.a1.writes.marks');
    const marks = new WriteMarks(file);
    marks.mark(1000, 0);
    marks.mark(1500, 4); // writes 0-3 made in (1000, 1500]
    marks.mark(2000, 4); // no growth: no record
    marks.mark(2500, 9); // writes 4-8 in (1500, 2500]
    marks.close();
    const times = WriteTimes.read(file)!;
    assert.deepEqual(times.of(0), { after: 1000, by: 1500 });
    assert.deepEqual(times.of(3), { after: 1000, by: 1500 });
    assert.deepEqual(times.of(4), { after: 1500, by: 2500 });
    assert.deepEqual(times.of(9), { after: 2500, by: undefined }); // past the last mark: a lost worker's
    assert.equal(WriteTimes.read(`${file}.absent`), undefined);
  });
});
