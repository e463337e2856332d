/** A finished measurement's figures, read back from its final checkpoint (the report's reading of a path). */
import type { WorkloadResult } from '../../../shared/workload-types';
import type { MeasurementCheckpoint } from './measurement-checkpoint';
import { PathMeasurement } from './path-measurement';

export function resultFromCheckpoint(cp: MeasurementCheckpoint): WorkloadResult {
  const end = cp.end ?? { endedAt: cp.at, stoppedBy: 'cancelled' as const };
  const m = new PathMeasurement(
    {
      connection: cp.connection,
      stallThresholdMs: cp.stallThresholdMs,
      phaseOf: () => cp.spans.at(-1)?.phase ?? 'run',
    },
    { from: cp, at: cp.at },
  );
  const result = m.result(end.endedAt, end.stoppedBy);
  return { ...result, ...(end.pgbench ? { pgbench: end.pgbench } : {}), ...(end.http ? { http: end.http } : {}) };
}
