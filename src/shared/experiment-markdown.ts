/** What the Temporal Web UI shows about an experiment: summary and details, in Temporal markdown. Pure. */
import { describeFault, type ExperimentDefinition } from './experiment-schema';
import { workloadMix, workloadMixText } from './workload-mix';

/** Operations named in the one-line summary (the details name them all). */
const SUMMARY_OPERATIONS = 3;

export function experimentSummary(definition: ExperimentDefinition): string {
  const { fault, target } = describeFault(definition.fault);
  const workload = workloadMixText(workloadMix(definition.workload), SUMMARY_OPERATIONS);
  return `faultline ${definition.name}: ${fault} on ${target}, ${definition.durations.faultSeconds} s, paths ${definition.paths.join(', ')}; ${workload}`;
}

export function experimentDetails(definition: ExperimentDefinition): string {
  const { fault, target } = describeFault(definition.fault);
  const d = definition.durations;
  const w = definition.workload;
  return [
    `**Experiment** ${definition.name}${definition.description ? ` - ${definition.description}` : ''}`,
    `**Target** \`${target}\``,
    `**Fault** \`${fault}\` for ${d.faultSeconds} s`,
    `**Paths** ${definition.paths.map((p) => `\`${p}\``).join(', ')}`,
    `**Durations** warmup ${d.warmupSeconds} s, fault ${d.faultSeconds} s, recovery timeout ${d.recoveryTimeoutSeconds} s`,
    `**Workload** ${workloadMixText(workloadMix(w))}; ${w.concurrentWorkers} workers, pool ${w.poolSize}, client ${w.client}`,
    `**Steady state** success >= ${(definition.steadyState.minSuccessRate * 100).toFixed(1)}%, p99 <= ${definition.steadyState.maxP99Ms} ms over ${definition.steadyState.windowSeconds} s`,
  ].join('\n\n');
}
