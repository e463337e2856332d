/**
 * `faultline run --dry-run`: the plan of an experiment with its targets resolved (and refused,
 * if not opted in) by the same code the workflow uses, touching nothing and starting no workflow.
 */
import { resolveConnection } from '../platform/connections';
import { resolveFaultTarget } from '../activities/faults/fault-activities';
import { describeFault, type ExperimentDefinition } from '../shared/experiment-schema';
import type { ResolvedTarget } from '../shared/fault-types';

export interface DryRunPlan {
  dryRun: true;
  name: string;
  fault: string;
  /** Null for a baseline (no fault). */
  target: ResolvedTarget | null;
  /** Connections by name, shown as host:port/database (never a password). */
  paths: Array<{ name: string; resolvesTo: string }>;
  steps: string[];
}

export async function dryRunPlan(definition: ExperimentDefinition): Promise<DryRunPlan> {
  const target = definition.fault ? await resolveFaultTarget(definition.fault) : null;
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
    steps: [
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
      `write the report to ${definition.report.directory}/<workflow id>/`,
    ],
  };
}
