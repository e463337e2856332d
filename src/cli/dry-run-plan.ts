/**
 * `faultline run --dry-run`: the plan of an experiment with its targets resolved (and refused,
 * if not opted in) and its connection budget checked (and refused, if over) by the same code the
 * workflow uses, touching nothing and starting no workflow.
 */
import { resolveConnection } from '../platform/connections';
import { resolveFaultTarget } from '../activities/faults/fault-activities';
import { connectionBudget } from '../activities/schema/check-connection-budget';
import type { ConnectionBudget } from '../shared/connection-budget';
import { describeFault, type ExperimentDefinition } from '../shared/experiment-schema';
import { writesAudited } from '../shared/workload-settings';
import type { ResolvedTarget } from '../shared/fault-types';

export interface DryRunPlan {
  dryRun: true;
  name: string;
  fault: string;
  /** Null for a baseline (no fault). */
  target: ResolvedTarget | null;
  /** Connections by name, shown as host:port/database (never a password). */
  paths: Array<{ name: string; resolvesTo: string }>;
  /** Faultline's connections at their peak on each server, against what it accepts (the workflow's check). */
  connections: ConnectionBudget;
  steps: string[];
}

/** The budget as a step: the peak on each server, and what was not checked. */
function budgetStep(budget: ConnectionBudget): string {
  const servers = budget.servers.map(
    (s) =>
      `${s.peak} on ${s.server} (${s.reachedBy.join(', ')}), which accepts ${s.accepts ?? 'an unknown number'}${s.accepts === null ? '' : ` (${s.limit})`}`,
  );
  const unchecked = budget.unchecked.length ? `; not checked: ${budget.unchecked.join('; ')}` : '';
  return `check that the servers accept every connection the experiment opens, at most: ${servers.join('; ') || 'none'}${unchecked} (a server asked for more than it accepts: stop, touch nothing)`;
}

export async function dryRunPlan(definition: ExperimentDefinition): Promise<DryRunPlan> {
  const target = definition.fault ? await resolveFaultTarget(definition.fault) : null;
  const { paths: names, workload, payments, fault: asked } = definition;
  const budget = await connectionBudget({
    paths: names,
    workload,
    ...(payments ? { payments } : {}),
    ...(asked ? { fault: asked } : {}),
  });
  // Refused here as the workflow would refuse it: before anything runs.
  if (budget.exceeded) throw new Error(budget.exceeded);
  const paths = definition.paths.map((name) => ({ name, resolvesTo: resolveConnection(name).display }));
  const { fault } = describeFault(definition.fault);
  const d = definition.durations;
  const s = definition.steadyState;
  const p = definition.payments;
  return {
    dryRun: true,
    name: definition.name,
    fault,
    target,
    paths,
    connections: budget,
    steps: [
      budgetStep(budget),
      `set up the business tables on ${definition.paths.join(', ')} (idempotent)`,
      `check the steady state for ${s.windowSeconds} s: success >= ${s.minSuccessRate * 100}%, p99 <= ${s.maxP99Ms} ms (if it does not hold: stop, inject nothing)`,
      `warm the workload up for ${d.warmupSeconds} s on every path`,
      ...(target
        ? [
            `inject ${fault} on ${target.name}`,
            `hold the fault for ${d.faultSeconds} s`,
            `restore ${target.name} (always, whatever happens) and verify every path answers`,
            `wait up to ${d.recoveryTimeoutSeconds} s for the steady state to hold again, then check it once more`,
            ...(definition.repeat
              ? [
                  `repeat the fault ${definition.repeat.times} times in all, one every ${definition.repeat.everySeconds} s (restore and recovery after each)`,
                ]
              : []),
            `dead man's switch: a lease recorded before each injection; any faultline worker restores the target ${d.faultSeconds + definition.safety.leaseGraceSeconds} s after it if the workflow has not`,
          ]
        : [`measure for ${d.faultSeconds} s (a baseline: no fault)`, 'check the steady state once more']),
      ...(p
        ? [
            `from warmup on: ${p.ratePerSecond} payments/s via ${p.channels.join(' and ')} to the payment service (its health is part of the steady state)`,
            `audit the payments through ${p.auditConnection}: every acknowledged one exists exactly once (waits up to ${p.auditTimeoutSeconds} s for those in flight)`,
          ]
        : []),
      ...writeAuditStep(definition),
      `write the report to ${definition.report.directory}/<workflow id>/`,
    ],
  };
}

/** The business-write audit, when the business mix runs on some path. */
function writeAuditStep(definition: ExperimentDefinition): string[] {
  const { writeAudit } = definition.workload;
  if (!writesAudited(definition.workload) || !definition.paths.length) return [];
  const via = writeAudit.connection ? `through ${writeAudit.connection}` : "through each path's own connection";
  return [
    `audit every order, log and purchase the workload made, on the writer ${via}: none acknowledged may be missing (writeAudit.enabled: false to skip)`,
  ];
}
