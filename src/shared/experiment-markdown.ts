/** What the Temporal Web UI shows about an experiment: summary and details, in Temporal markdown. Pure. */
import { describeFault, type ExperimentDefinition } from './experiment-schema';

export function experimentSummary(definition: ExperimentDefinition): string {
  const { fault, target } = describeFault(definition.fault);
  return `faultline ${definition.name}: ${fault} on ${target}, ${definition.durations.faultSeconds} s, paths ${definition.paths.join(', ')}`;
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
    `**Workload** ${w.weights.read}/${w.weights.write}/${w.weights.transaction} read/write/transaction, ${w.concurrentWorkers} workers, pool ${w.poolSize}`,
    `**Steady state** success >= ${(definition.steadyState.minSuccessRate * 100).toFixed(1)}%, p99 <= ${definition.steadyState.maxP99Ms} ms over ${definition.steadyState.windowSeconds} s`,
  ].join('\n\n');
}
