/**
 * `faultline run --dry-run`: the plan of an experiment with its targets resolved (and refused,
 * if not opted in) by the same code the workflow uses, touching nothing and starting no workflow.
 */
import { resolveConnection } from '../activities/connections';
import { resolveFaultTarget, type ResolvedTarget } from '../activities/faults/fault-activities';
import { describeFault, type ExperimentDefinition } from '../shared/experiment-schema';

export interface DryRunPlan {
  dryRun: true;
  name: string;
  fault: string;
  target: ResolvedTarget;
  /** Connections by name, shown as host:port/database (never a password). */
  paths: Array<{ name: string; resolvesTo: string }>;
  steps: string[];
}

export async function dryRunPlan(definition: ExperimentDefinition): Promise<DryRunPlan> {
  const target = await resolveFaultTarget(definition.fault);
  const paths = definition.paths.map((name) => ({ name, resolvesTo: resolveConnection(name).display }));
  const { fault } = describeFault(definition.fault);
  const d = definition.durations;
  const s = definition.steadyState;
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
      `inject ${fault} on ${target.name}`,
      `hold the fault for ${d.faultSeconds} s`,
      `restore ${target.name} (always, whatever happens) and verify every path answers`,
      `wait up to ${d.recoveryTimeoutSeconds} s for the steady state to hold again, then check it once more`,
      `write the report to ${definition.report.directory}/<workflow id>/`,
    ],
  };
}
