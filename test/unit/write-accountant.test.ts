/**
 * The audits' one mechanism (pure logic; the lab tests hold it to real tables: own-http-service,
 * payment-service, verdicts): each answer a caller got, against the rows the table holds, in the
 * one vocabulary; and the payment audit filing its ledgers' answers through it.
 */
import assert from 'node:assert/strict';
import { WriteAccountant } from '../../src/activities/audit/write-accountant';
import { tallyAudit } from '../../src/activities/audit/audit-tally';
import { expectedPayments, type Row } from '../../src/activities/audit/expected-payments';
import { ChannelLedger } from '../../src/activities/workload/payments/payment-ledger';
import { writeViolations } from '../../src/shared/write-audit-types';
import { ledgerOrderId, type PaymentSegment } from '../../src/shared/payment-types';

describe('the write accountant (one vocabulary for every audit)', () => {
  it('files each answer against the table: found, lost, duplicated, written despite, unknown resolved', async () => {
    const acc = new WriteAccountant({ unaudited: 2 });
    acc.file('a1', 'acknowledged', 1);
    acc.file('a2', 'acknowledged', 0);
    acc.file('a3', 'acknowledged', 2);
    acc.file('a4', 'acknowledged', 0);
    acc.file('r1', 'refused', 0);
    acc.file('r2', 'refused', 1);
    acc.file('f1', 'failed', 1);
    acc.file('u1', 'unknown', 1);
    acc.file('u2', 'unknown', 0);
    // a4 shows on the second look (a service that writes after it answers); a2 never does.
    await acc.settle(0, async (id) => (id === 'a4' ? 1 : 0));
    const a = acc.account();
    assert.deepEqual(
      { ...a, examples: undefined },
      {
        audited: 9,
        acknowledged: 4,
        found: 3,
        lost: 1,
        duplicated: 1,
        refused: 2,
        writtenDespiteRefusal: 1,
        failed: 1,
        writtenDespiteFailure: 1,
        unknown: { count: 2, written: 1, absent: 1 },
        unaudited: 2,
        incompleteSegments: 0,
        examples: undefined,
      },
    );
    assert.deepEqual(writeViolations(a), [
      '1 lost',
      '1 duplicated',
      '1 written despite a refusal',
      '1 written despite a failure',
    ]);
    assert.ok(a.examples.includes('a2: acknowledged, not in the table (lost)'), a.examples.join('; '));
    assert.ok(a.examples.includes('r2: refused, and written'));
  });

  it('an account with nothing broken has no violation, whatever the unknown answers resolved to', () => {
    const acc = new WriteAccountant();
    acc.file('a', 'acknowledged', 1);
    acc.file('u', 'unknown', 1);
    acc.file('v', 'unknown', 0);
    acc.file('r', 'refused', 0);
    assert.deepEqual(writeViolations(acc.account()), []);
  });
});

describe('the payment audit through the accountant', () => {
  const prefix = 'exp-abc123-s1';
  const row = (order_id: string, copies = 1): Row => ({
    order_id,
    cents: 0,
    status: 'confirmed',
    confirmed_at: null,
    copies,
  });

  function segment(complete: boolean): PaymentSegment {
    const http = new ChannelLedger();
    for (let i = 0; i < 5; i++) http.next();
    http.created(0, 0);
    http.confirmed(0);
    http.notCreated(1, 1, 'refused');
    http.notCreated(2, 1, 'failed');
    http.notCreated(3, 1, 'unknown');
    // seq 4: in flight when the ledger was taken (code 0)
    return {
      prefix,
      ledger: { http: http.encode(), workflow: [] },
      ledgerAt: '2026-12-02T10:00:00.000Z',
      complete,
      cycleStarts: [],
    };
  }

  it('a payment refused (503) but in the table is written despite the refusal, and the audit fails', () => {
    const segments = [segment(false)];
    const expected = expectedPayments(segments, ['http'], []);
    const id = (seq: number) => ledgerOrderId(prefix, 'http', seq);
    const rows = new Map<string, Row>([
      [id(0), { ...row(id(0)), cents: expected.get(id(0))!.cents }],
      [id(1), row(id(1))],
      [id(3), row(id(3))],
      [id(4), row(id(4))],
      // Issued by the lost worker after its last checkpoint: no ledger holds it.
      [id(7), row(id(7))],
    ]);
    const audit = tallyAudit({ expected, rows, segments, channels: ['http'], pendingAtStart: [], waitedMs: 0 });
    assert.equal(audit.acknowledged, 1);
    assert.equal(audit.found, 1);
    assert.equal(audit.lost, 0);
    assert.equal(audit.refused, 1);
    assert.equal(audit.writtenDespiteRefusal, 1);
    assert.equal(audit.failed, 1);
    assert.equal(audit.writtenDespiteFailure, 0);
    // seq 3 (no answer), seq 4 (in flight) and seq 7 (past the checkpoint), all found.
    assert.deepEqual(audit.unknown, { count: 3, written: 3, absent: 0 });
    assert.equal(audit.bySegment[0]!.unknownWritten, 3);
    assert.equal(audit.incompleteSegments, 1);
    assert.equal(audit.holds, false);
    assert.deepEqual(writeViolations(audit), ['1 written despite a refusal']);
  });
});
