/**
 * The verdict, from the facts an experiment gathered: held, violated, aborted or not run, and why.
 * Pure (unit-tested branch by branch). What a user must never miss comes first: a lost payment or a
 * payment service that misbehaved is a violation even when the experiment was aborted.
 */
import type { ExperimentOutcome, Verdict } from '../../shared/experiment-types';
import type { PaymentAudit } from '../../shared/payment-types';
import type { HttpAuditResult } from '../../shared/http-audit-types';
import type { BusinessWriteAudit } from '../../shared/business-write-audit-types';
import type { MeasurementGap } from '../../shared/workload-types';
import type { SteadyStateCheck } from '../../shared/steady-state-types';
import { writeViolations, type WriteAccount } from '../../shared/write-audit-types';

export interface VerdictFacts {
  hasFault: boolean;
  recoveryTimeoutSeconds: number;
  /** Nothing ran because the target was taken (another experiment holds its lock). */
  refused?: string;
  abort?: ExperimentOutcome['abort'];
  before?: SteadyStateCheck;
  after?: SteadyStateCheck;
  /** Every fault's steady state came back in time (the time of the last). */
  recoveredAt?: string;
  injected: boolean;
  paths: Array<{ connection: string; openAtEnd: boolean; openSince: string | null; gaps: MeasurementGap[] }>;
  /** When the fault was on and the system recovering: gaps there make the verdict less certain. */
  faultSpan?: { from: string; to: string };
  /** Answers from the payment service that a service under a database outage must never give. */
  unexpectedPaymentAnswers?: { serverErrors: number; timeouts: number; noAnswer: number };
  audit?: PaymentAudit;
  httpAudits?: HttpAuditResult[];
  /** HTTP audits that could not run (a database that never came back, a measurement that left no ledger). */
  httpAuditErrors?: string[];
  /** Each business path's audit of its writes. */
  writeAudits?: BusinessWriteAudit[];
  /** Business-write audits that could not run. */
  writeAuditErrors?: string[];
}

export interface Judgement {
  verdict: Verdict;
  reason: string;
}

const failing = (check?: SteadyStateCheck) =>
  [
    ...(check?.paths ?? []).filter((p) => !p.holds).map((p) => `${p.path}: ${p.reason}`),
    ...(check?.http ?? []).filter((c) => !c.holds).map((c) => `${c.target} (HTTP): ${c.reason}`),
    ...(check?.paymentService && !check.paymentService.holds
      ? [`payment service: ${check.paymentService.reason}`]
      : []),
  ].join('; ');

/** An audit that does not hold, in the audits' one vocabulary: "3 lost, 1 written despite a refusal of 120 acknowledged". */
const auditViolation = (label: string, a: WriteAccount, extra: string[] = []) =>
  `${label}: ${[...writeViolations(a), ...extra].join(', ')} of ${a.acknowledged} acknowledged`;

function httpAuditViolation(f: VerdictFacts): string | undefined {
  const broken = (f.httpAudits ?? []).filter((a) => !a.holds);
  if (!broken.length) return undefined;
  return broken.map((a) => auditViolation(`HTTP audit of ${a.target} (${a.request})`, a)).join('; ');
}

function writeAuditViolation(f: VerdictFacts): string | undefined {
  const broken = (f.writeAudits ?? []).filter((a) => !a.holds);
  if (!broken.length) return undefined;
  const partial = (a: BusinessWriteAudit) => (a.partialPurchases ? [`${a.partialPurchases} partial purchase(s)`] : []);
  return broken.map((a) => auditViolation(`business-write audit of ${a.path}`, a, partial(a))).join('; ');
}

/** Nothing may be called held while an audit could not run. */
function unaudited(f: VerdictFacts): Judgement | undefined {
  const failed = [
    ...(f.httpAuditErrors?.length ? [`the HTTP audit could not run: ${f.httpAuditErrors.join('; ')}`] : []),
    ...(f.writeAuditErrors?.length ? [`the business-write audit could not run: ${f.writeAuditErrors.join('; ')}`] : []),
  ];
  return failed.length ? { verdict: 'aborted', reason: failed.join('; ') } : undefined;
}

/** Every audit's and the payment service's violations, in one text. */
function paymentViolation(f: VerdictFacts): string | undefined {
  const all = [writeAuditViolation(f), httpAuditViolation(f), paymentsViolation(f)].filter(Boolean);
  return all.length ? all.join('; ') : undefined;
}

function paymentsViolation(f: VerdictFacts): string | undefined {
  const a = f.audit;
  if (a && !a.holds)
    return auditViolation('payment audit', a, [
      ...(a.wrongAmount ? [`${a.wrongAmount} wrong amount`] : []),
      ...(a.stillPending ? [`${a.stillPending} still pending`] : []),
    ]);
  const u = f.unexpectedPaymentAnswers;
  if (!u) return undefined;
  const parts = [
    u.serverErrors ? `answered ${u.serverErrors} call(s) with a 5xx other than 503` : '',
    u.timeouts ? `left ${u.timeouts} call(s) without an answer (timeout)` : '',
    u.noAnswer ? `refused or dropped ${u.noAnswer} connection(s) (no HTTP answer at all)` : '',
  ].filter(Boolean);
  return parts.length ? `the payment service ${parts.join(' and ')}` : undefined;
}

/** Measurement gaps that overlap the fault and the recovery, in ms. */
export function gapsDuringFault(f: Pick<VerdictFacts, 'paths' | 'faultSpan'>, partial = false): number {
  if (!f.faultSpan) return 0;
  const from = Date.parse(f.faultSpan.from);
  const to = Date.parse(f.faultSpan.to);
  // Whole-path gaps (nothing measured), or with `partial` the gaps of one shard only (some clients unmeasured).
  const wanted = (g: MeasurementGap) => (g.shard !== undefined) === partial;
  return Math.max(
    0,
    ...f.paths.map((p) =>
      p.gaps
        .filter(wanted)
        .reduce(
          (sum, g) => sum + Math.max(0, Math.min(Date.parse(g.end), to) - Math.max(Date.parse(g.start), from)),
          0,
        ),
    ),
  );
}

function core(f: VerdictFacts): Judgement {
  const payments = paymentViolation(f);
  if (payments)
    return {
      verdict: 'violated',
      reason: f.abort ? `${payments} (the experiment was also aborted, ${f.abort.by}: ${f.abort.reason})` : payments,
    };
  if (f.refused) return { verdict: 'not-run', reason: f.refused };
  if (f.abort) return { verdict: 'aborted', reason: `${f.abort.by}: ${f.abort.reason}` };
  if (f.before && !f.before.holds)
    return {
      verdict: 'not-run',
      reason: `steady state did not hold before injecting (${failing(f.before)}); nothing was injected`,
    };
  const accounted = f.audit ? `; all ${f.audit.acknowledged} acknowledged payments accounted for` : '';
  if (!f.hasFault) {
    if (f.after && !f.after.holds)
      return { verdict: 'violated', reason: `steady state at the end does not hold (${failing(f.after)})` };
    return (
      unaudited(f) ?? {
        verdict: 'held',
        reason: `baseline without a fault: the steady state held before and after${accounted}`,
      }
    );
  }
  if (!f.injected) return { verdict: 'not-run', reason: 'the fault was not injected' };
  if (!f.recoveredAt)
    return {
      verdict: 'violated',
      reason: `steady state did not return within the recovery timeout of ${f.recoveryTimeoutSeconds} s`,
    };
  const stillDown = f.paths.filter((p) => p.openAtEnd);
  if (stillDown.length) {
    return {
      verdict: 'violated',
      reason: `not recovered: ${stillDown.map((p) => `${p.connection} unavailable since ${p.openSince ?? '?'} and still down when the measurement ended`).join('; ')}`,
    };
  }
  if (f.after && !f.after.holds)
    return { verdict: 'violated', reason: `steady state after the fault does not hold (${failing(f.after)})` };
  return (
    unaudited(f) ?? {
      verdict: 'held',
      reason: `the steady state held before, and returned after the fault within the recovery timeout${accounted}`,
    }
  );
}

export function judge(f: VerdictFacts): Judgement {
  const judgement = core(f);
  const gapMs = gapsDuringFault(f);
  if (gapMs > 0 && judgement.verdict !== 'not-run') {
    const causes = [...new Set(f.paths.flatMap((p) => p.gaps.map((g) => g.cause)))].join(', ');
    judgement.reason += `; WITH MEASUREMENT GAPS: ${(gapMs / 1000).toFixed(1)} s of the fault and recovery went unmeasured (${causes}), so this verdict is less certain`;
  }
  const partialMs = gapsDuringFault(f, true);
  if (partialMs > 0 && judgement.verdict !== 'not-run') {
    const shards = f.paths.flatMap((p) =>
      p.gaps.flatMap((g) => (g.shard === undefined ? [] : [`${p.connection} #${g.shard}`])),
    );
    judgement.reason += `; FIGURES INCOMPLETE: shard${shards.length > 1 ? 's' : ''} ${[...new Set(shards)].join(', ')} measured nothing for ${(partialMs / 1000).toFixed(1)} s of the fault and recovery (a lost worker), so part of the clients went unmeasured there`;
  }
  return judgement;
}
