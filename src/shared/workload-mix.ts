/**
 * The workload as it runs, for every form of the report and the Web UI: the user's own operations
 * (`workload.custom`, which replace the business mix) with their weights and types, or the business
 * mix's weights. Pure.
 */
import { inferredType } from './sql-text';
import type { WorkloadSettings } from './workload-settings';

export interface MixOperation {
  name: string;
  weight: number;
  /** Its share of the draws, in percent (one decimal). */
  sharePct: number;
  /** As given, or inferred from the statement as the engine infers it. */
  type: 'read' | 'write';
}

export type WorkloadMix =
  { kind: 'custom'; operations: MixOperation[] } | { kind: 'business'; weights: WorkloadSettings['weights'] };

export function workloadMix(w: Pick<WorkloadSettings, 'custom' | 'weights'>): WorkloadMix {
  const custom = w.custom ?? [];
  if (!custom.length) return { kind: 'business', weights: { ...w.weights } };
  const total = custom.reduce((sum, op) => sum + op.weight, 0);
  return {
    kind: 'custom',
    operations: custom.map((op) => ({
      name: op.name,
      weight: op.weight,
      sharePct: Math.round((op.weight * 1000) / total) / 10,
      type: op.type ?? inferredType(op.statement),
    })),
  };
}

/**
 * "2 custom operations: get_user 70% (weight 7, read), add_event 30% (weight 3, write)", or "the
 * business mix: read 70%, write 20%, transaction 10%". At most `limit` operations are named.
 */
export function workloadMixText(mix: WorkloadMix, limit = Infinity): string {
  if (mix.kind === 'business') {
    const w = mix.weights;
    return `the business mix: read ${w.read}%, write ${w.write}%, transaction ${w.transaction}%`;
  }
  const ops = mix.operations;
  const named = ops.slice(0, limit).map((op) => `${op.name} ${op.sharePct}% (weight ${op.weight}, ${op.type})`);
  const more = ops.length - named.length;
  return `${ops.length} custom operation${ops.length === 1 ? '' : 's'}: ${named.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}
