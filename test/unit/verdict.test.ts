/** Every branch of the verdict, on plain facts. */
import assert from 'node:assert/strict';
import { gapsDuringFault, judge, type VerdictFacts } from '../../src/workflows/chaos-experiment/verdict';
import type { PaymentAudit } from '../../src/shared/payment-types';
import type { HttpAuditResult } from '../../src/shared/http-audit-types';
import type { BusinessWriteAudit } from '../../src/shared/business-write-audit-types';
import { emptyWriteAccount } from '../../src/shared/write-audit-types';
import type { SteadyStateCheck } from '../../src/shared/steady-state-types';

const check = (holds: boolean): SteadyStateCheck => ({
  holds,
  checkedAt: '2026-11-23T10:00:00.000Z',
  paths: [
    {
      path: 'direct',
      attempts: 10,
      successRate: holds ? 1 : 0.5,
      p99Ms: 3,
      downAtEnd: false,
      holds,
      ...(holds ? {} : { reason: 'success rate 50.00% < 99.00%' }),
    },
  ],
});
const audit = (lost: number, wrongAmount = 0): PaymentAudit => ({
  ...emptyWriteAccount(),
  checkedAt: '',
  waitedMs: 0,
  audited: 10,
  acknowledged: 10,
  found: 10 - lost,
  lost,
  wrongAmount,
  stillPending: 0,
  acceptedDuringOutageCompletedAfter: 0,
  bySegment: [],
  lastPendingCompletedAt: null,
  pendingAtStart: 0,
  byChannel: [],
  examples: [],
  holds: lost === 0 && wrongAmount === 0,
});
const httpAudit = (lost: number, writtenDespiteRefusal = 0): HttpAuditResult => ({
  target: 'flask',
  request: 'create_payment',
  connection: 'direct',
  ...emptyWriteAccount(),
  checkedAt: '',
  waitedMs: 0,
  audited: 20,
  acknowledged: 10,
  found: 10 - lost,
  lost,
  refused: 10,
  writtenDespiteRefusal,
  holds: lost === 0 && writtenDespiteRefusal === 0,
});
const writeAudit = (lost: number, partialPurchases = 0): BusinessWriteAudit => ({
  path: 'direct',
  connection: 'direct',
  writer: '127.0.0.1:5432',
  ...emptyWriteAccount(),
  checkedAt: '',
  waitedMs: 0,
  audited: 30,
  acknowledged: 30,
  found: 30 - lost,
  lost,
  partialPurchases,
  kinds: {
    create_order: { acknowledged: 10, unknown: 0 },
    insert_log: { acknowledged: 10, unknown: 0 },
    purchase: { acknowledged: 10, unknown: 0 },
  },
  holds: lost === 0 && partialPurchases === 0,
});
const base: VerdictFacts = {
  hasFault: true,
  recoveryTimeoutSeconds: 60,
  before: check(true),
  after: check(true),
  recoveredAt: '2026-11-23T10:00:10.000Z',
  injected: true,
  paths: [{ connection: 'direct', openAtEnd: false, openSince: null, gaps: [] }],
};

describe('verdict (unit)', () => {
  const cases: Array<[string, Partial<VerdictFacts>, string, RegExp]> = [
    ['held', {}, 'held', /returned after the fault within the recovery timeout/],
    ['held, with payments', { audit: audit(0) }, 'held', /all 10 acknowledged payments accounted for/],
    ['a lost payment', { audit: audit(1) }, 'violated', /payment audit: 1 lost of 10 acknowledged/],
    [
      "a wrong amount, in the audits' words beside the payment service's own",
      { audit: audit(1, 2) },
      'violated',
      /payment audit: 1 lost, 2 wrong amount of 10 acknowledged/,
    ],
    ['an HTTP audit that holds', { httpAudits: [httpAudit(0)] }, 'held', /returned after the fault/],
    [
      'an HTTP service that lost an acknowledged write',
      { httpAudits: [httpAudit(3)] },
      'violated',
      /^HTTP audit of flask \(create_payment\): 3 lost of 10 acknowledged/,
    ],
    [
      'an HTTP audit that could not run is not a held verdict',
      { httpAuditErrors: ['flask: connect ECONNREFUSED'] },
      'aborted',
      /the HTTP audit could not run: flask: connect ECONNREFUSED/,
    ],
    [
      'an HTTP audit that could not run hides no recovery violation',
      { httpAuditErrors: ['flask: connect ECONNREFUSED'], recoveredAt: undefined },
      'violated',
      /steady state did not return/,
    ],
    ['a business-write audit that holds', { writeAudits: [writeAudit(0)] }, 'held', /returned after the fault/],
    [
      'a lost acknowledged business write',
      { writeAudits: [writeAudit(4)] },
      'violated',
      /^business-write audit of direct: 4 lost of 30 acknowledged/,
    ],
    [
      'a purchase that was not all or nothing',
      { writeAudits: [writeAudit(0, 1)] },
      'violated',
      /business-write audit of direct: 1 partial purchase\(s\) of 30 acknowledged/,
    ],
    [
      'a business-write audit that could not run is not a held verdict',
      { writeAuditErrors: ['cluster-reader: reaches a server in recovery'] },
      'aborted',
      /the business-write audit could not run: cluster-reader/,
    ],
    [
      'both audits broken: both in the reason',
      { httpAudits: [httpAudit(1)], audit: audit(2) },
      'violated',
      /HTTP audit of flask .*1 lost.*; payment audit: 2 lost/,
    ],
    [
      'an HTTP service that wrote despite a refusal',
      { httpAudits: [httpAudit(0, 2)] },
      'violated',
      /2 written despite a refusal/,
    ],
    [
      'a lost payment in an aborted run is still violated',
      { audit: audit(2), abort: { by: 'signal', reason: 'stop' } },
      'violated',
      /2 lost.*also aborted, signal: stop/,
    ],
    [
      'a 500 from the payment service',
      { unexpectedPaymentAnswers: { serverErrors: 2, timeouts: 0, noAnswer: 0 } },
      'violated',
      /5xx other than 503/,
    ],
    [
      'a payment service that does not answer in time',
      { unexpectedPaymentAnswers: { serverErrors: 0, timeouts: 1, noAnswer: 0 } },
      'violated',
      /without an answer \(timeout\)/,
    ],
    [
      'a payment service that refuses connections',
      { unexpectedPaymentAnswers: { serverErrors: 0, timeouts: 0, noAnswer: 3 } },
      'violated',
      /refused or dropped 3 connection/,
    ],
    [
      'a target taken by another experiment',
      { refused: 'faultline-db is already under an experiment' },
      'not-run',
      /already under an experiment/,
    ],
    ['aborted', { abort: { by: 'cancel', reason: 'workflow cancelled' } }, 'aborted', /^cancel: workflow cancelled/],
    [
      'the steady state did not hold before',
      { before: check(false) },
      'not-run',
      /did not hold before injecting .* nothing was injected/,
    ],
    ['not injected', { injected: false }, 'not-run', /the fault was not injected/],
    [
      'not recovered in time',
      { recoveredAt: undefined },
      'violated',
      /did not return within the recovery timeout of 60 s/,
    ],
    [
      'a path still down at the end',
      { paths: [{ connection: 'proxy', openAtEnd: true, openSince: '2026-11-23T10:00:05.000Z', gaps: [] }] },
      'violated',
      /not recovered: proxy unavailable since 2026-11-23T10:00:05.000Z/,
    ],
    [
      'the steady state after does not hold',
      { after: check(false) },
      'violated',
      /after the fault does not hold \(direct: success rate/,
    ],
    [
      'a baseline that held',
      { hasFault: false, injected: false, recoveredAt: undefined },
      'held',
      /baseline without a fault/,
    ],
    [
      'a baseline whose end does not hold',
      { hasFault: false, injected: false, after: check(false) },
      'violated',
      /at the end does not hold/,
    ],
  ];
  for (const [name, facts, verdict, reason] of cases) {
    it(`${name}: ${verdict}`, () => {
      const j = judge({ ...base, ...facts });
      assert.equal(j.verdict, verdict, j.reason);
      assert.match(j.reason, reason);
    });
  }

  it('says when measurement gaps overlap the fault or the recovery, and only then', () => {
    const gap = { start: '2026-11-23T10:00:02.000Z', end: '2026-11-23T10:00:06.000Z', cause: 'worker lost' as const };
    const span = { from: '2026-11-23T10:00:00.000Z', to: '2026-11-23T10:00:10.000Z' };
    const withGap = judge({ ...base, faultSpan: span, paths: [{ ...base.paths[0]!, gaps: [gap] }] });
    assert.match(
      withGap.reason,
      /WITH MEASUREMENT GAPS: 4\.0 s of the fault and recovery went unmeasured \(worker lost\)/,
    );
    const before = judge({
      ...base,
      faultSpan: { from: '2026-11-23T10:00:07.000Z', to: span.to },
      paths: [{ ...base.paths[0]!, gaps: [gap] }],
    });
    assert.doesNotMatch(before.reason, /GAPS/);
  });

  it("one shard's gap during the fault: the figures are incomplete, not a gap of the whole path", () => {
    const gap = {
      start: '2026-11-23T10:00:02.000Z',
      end: '2026-11-23T10:00:05.000Z',
      cause: 'worker lost' as const,
      shard: 2,
      share: 0.5,
    };
    const span = { from: '2026-11-23T10:00:00.000Z', to: '2026-11-23T10:00:10.000Z' };
    const facts = { ...base, faultSpan: span, paths: [{ ...base.paths[0]!, gaps: [gap] }] };
    const j = judge(facts);
    assert.match(j.reason, /FIGURES INCOMPLETE: shard direct #2 measured nothing for 3\.0 s of the fault and recovery/);
    assert.doesNotMatch(j.reason, /WITH MEASUREMENT GAPS/);
    assert.equal(gapsDuringFault(facts), 0, 'the path was measured (by the other shard): no whole-path gap');
  });
});
