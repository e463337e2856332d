/**
 * After the method: recovery and the hypothesis after (unless aborted), the measurements handed
 * over, the payment audit, the report, the verdict. Runs whatever ended the method, and cannot be
 * cancelled.
 */
import { CancellationScope, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import { experimentDetails } from '../../shared/experiment-markdown';
import type { ExperimentOutcome, ExperimentResult } from '../../shared/experiment-types';
import type { PaymentWorkloadSummary } from '../../shared/payment-types';
import { act, auditOptions, STEP } from './activity-options';
import { searchAttributes } from '../../shared/experiment-contract';
import { measurementsOf } from './measurement';
import { awaitRecovery, hypothesis } from './method';
import { enter } from './phases';
import type { ExperimentState } from './state';
import { unlockTarget } from './target-lock-step';
import { gapsDuringFault, judge } from './verdict';
import type { PathMeasurementSummary } from '../../shared/measurement-types';
import { errorText } from '../error-text';
import { upsert } from './search-attributes-step';
import { auditBusinessWrites, businessWritesAudited } from './business-write-audit-step';

async function recoverAndCheckAfter(s: ExperimentState): Promise<void> {
  const ran = s.cycles.length > 0 || (!s.definition.fault && s.before?.holds);
  if (!ran || s.abort) return;
  try {
    if (s.recoveryPending) await awaitRecovery(s);
    if (!s.abort) {
      enter(s, 'steady-state-after', s.definition.steadyState.windowSeconds * 1000);
      s.after = await act(STEP, 'Steady-state hypothesis, after').checkSteadyState(hypothesis(s));
    }
  } catch (err) {
    s.abort ??= { by: 'failure', reason: errorText(err) };
  }
}

async function auditPayments(s: ExperimentState, payments: PaymentWorkloadSummary): Promise<void> {
  const settings = s.definition.payments!;
  try {
    s.audit = await act(
      auditOptions(settings.auditTimeoutSeconds),
      'Audit: every acknowledged payment exists exactly once',
    ).auditPayments({
      connection: settings.auditConnection,
      stateFile: payments.stateFile,
      restores: s.cycles.map((c) => c.restore?.restoreRequestedAt ?? null),
      timeoutSeconds: settings.auditTimeoutSeconds,
    });
  } catch (err) {
    s.abort ??= { by: 'failure', reason: `payment audit failed: ${errorText(err)}` };
  }
}

/** Every audit's lost acknowledged writes, summed, when any audit ran. */
const writesLost = (s: ExperimentState) => {
  const audits = [...(s.audit ? [s.audit] : []), ...(s.httpAudits ?? []), ...(s.writeAudits ?? [])];
  return audits.length ? [{ key: searchAttributes.writesLost, value: audits.reduce((n, a) => n + a.lost, 0) }] : [];
};

/** Each HTTP target's audit (`http.audit`), after recovery, whatever ended the method. */
async function auditHttp(s: ExperimentState, paths: PathMeasurementSummary[]): Promise<void> {
  const audit = s.definition.http?.audit;
  if (!audit) return;
  for (const target of s.definition.http!.targets) {
    const ledgerFile = paths.find((p) => p.connection === target)?.ledgerFile;
    if (!ledgerFile) {
      (s.httpAuditErrors ??= []).push(`${target}: its measurement left no ledger, nothing was audited`);
      continue;
    }
    try {
      const result = await act(
        auditOptions(audit.settleSeconds + 3600),
        `Audit: what ${target} acknowledged against ${audit.connection}`,
      ).auditHttpAcknowledgements({ target, ledgerFile, audit });
      (s.httpAudits ??= []).push(result);
    } catch (err) {
      // Not an abort: a violation found meanwhile (not recovered, still down) must still be the verdict.
      (s.httpAuditErrors ??= []).push(`${target}: ${errorText(err)}`);
    }
  }
}

function faultSpan(s: ExperimentState): { from: string; to: string } | undefined {
  const first = s.cycles[0];
  const last = s.cycles[s.cycles.length - 1];
  if (!first || !last) return undefined;
  return { from: first.injection.injectRequestedAt, to: last.recoveredAt ?? new Date().toISOString() };
}

function verdictOf(s: ExperimentState, paths: PathMeasurementSummary[], payments?: PaymentWorkloadSummary) {
  const recovered =
    s.cycles.length > 0 && s.cycles.every((c) => c.recoveredAt)
      ? s.cycles[s.cycles.length - 1]!.recoveredAt
      : undefined;
  const span = faultSpan(s);
  const facts = {
    hasFault: s.definition.fault !== undefined,
    ...(s.refused ? { refused: s.refused } : {}),
    recoveryTimeoutSeconds: s.definition.durations.recoveryTimeoutSeconds,
    ...(s.abort ? { abort: s.abort } : {}),
    ...(s.before ? { before: s.before } : {}),
    ...(s.after ? { after: s.after } : {}),
    ...(recovered ? { recoveredAt: recovered } : {}),
    injected: s.cycles.length > 0,
    paths: paths.map((p) => ({
      connection: p.connection,
      openAtEnd: p.openAtEnd,
      openSince: p.openSince,
      gaps: p.gaps,
    })),
    ...(span ? { faultSpan: span } : {}),
    ...(payments ? { unexpectedPaymentAnswers: payments.unexpected } : {}),
    ...(s.audit ? { audit: s.audit } : {}),
    ...(s.httpAudits ? { httpAudits: s.httpAudits } : {}),
    ...(s.httpAuditErrors ? { httpAuditErrors: s.httpAuditErrors } : {}),
    ...(s.writeAudits ? { writeAudits: s.writeAudits } : {}),
    ...(s.writeAuditErrors ? { writeAuditErrors: s.writeAuditErrors } : {}),
  };
  return { ...judge(facts), recoveredAt: recovered, gapMs: gapsDuringFault(facts) };
}

export async function conclude(s: ExperimentState): Promise<ExperimentResult> {
  return await CancellationScope.nonCancellable(async () => {
    await recoverAndCheckAfter(s);
    // The workloads see a phase past the measured ones and hand over their figures.
    enter(s, s.definition.payments || s.definition.http?.audit || businessWritesAudited(s) ? 'audit' : 'report');
    const { paths, payments } = await measurementsOf(s);
    // The audit runs whatever happened: an aborted experiment must not hide a lost payment.
    if (payments) await auditPayments(s, payments);
    await auditHttp(s, paths);
    await auditBusinessWrites(s, paths);
    if (s.phase !== 'report') enter(s, 'report');

    const { verdict, reason, recoveredAt, gapMs } = verdictOf(s, paths, payments);
    const outcome: ExperimentOutcome = {
      experimentId: workflowInfo().workflowId,
      definition: s.definition,
      startedAt: s.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      verdict,
      verdictReason: reason,
      ...(s.abort ? { abort: s.abort } : {}),
      ...(s.cycles[0] ? { injection: s.cycles[0].injection } : {}),
      ...(s.cycles.length > 0 ? { cycles: s.cycles } : {}),
      ...(s.cycles[0]?.restore ? { restore: s.cycles[0].restore } : {}),
      ...(s.before ? { steadyStateBefore: s.before } : {}),
      ...(s.after ? { steadyStateAfter: s.after } : {}),
      ...(recoveredAt ? { recoveredAt } : {}),
      paths,
      ...(payments ? { payments: { workload: payments, ...(s.audit ? { audit: s.audit } : {}) } } : {}),
      ...(s.httpAudits ? { httpAudits: s.httpAudits } : {}),
      ...(s.writeAudits ? { writeAudits: s.writeAudits } : {}),
      ...(s.writeAuditErrors ? { writeAuditErrors: s.writeAuditErrors } : {}),
      ...(s.searchAttributesMissing ? { searchAttributesMissing: s.searchAttributesMissing } : {}),
    };
    const written = await act(STEP, 'Write the report (JSON, HTML, console)').writeReport(outcome);
    const downtimeMs = Object.fromEntries(paths.map((p) => [p.connection, p.downtimeMs]));
    upsert(s, [
      { key: searchAttributes.verdict, value: verdict },
      { key: searchAttributes.downtimeMs, value: Math.max(0, ...Object.values(downtimeMs)) },
      { key: searchAttributes.gapMs, value: Math.round(gapMs) },
      ...writesLost(s),
    ]);
    await unlockTarget(s);
    enter(s, 'done');
    setCurrentDetails(
      `**Verdict** \`${verdict}\`: ${reason}\n\n**Downtime** ${Object.entries(downtimeMs)
        .map(([p, ms]) => `${p} ${ms} ms`)
        .join(', ')}\n\n${experimentDetails(s.definition)}`,
    );
    return {
      experimentId: outcome.experimentId,
      verdict,
      verdictReason: reason,
      report: written.files,
      downtimeMs,
      summary: written.summary,
      ...(s.searchAttributesMissing ? { searchAttributesMissing: s.searchAttributesMissing.names } : {}),
    };
  });
}
