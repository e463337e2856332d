/** One phase occurrence's figures inside a path's measurement, and its plain-data form. */
import { readFileSync } from 'node:fs';
import type { MeasurementCheckpoint } from './measurement-checkpoint';
import { SpanMetrics } from './span-metrics';

type SpanCheckpointEntry = MeasurementCheckpoint['spans'][number];

/** Its phase, occurrence and bounds are those its checkpoint entry carries; only `metrics` changes form. */
export interface Span extends Omit<SpanCheckpointEntry, 'metrics'> {
  metrics: SpanMetrics;
}

/** A span's carried fields, each optional one only when present, with its figures in `metrics`'s form. */
function withMetrics<M>(s: Omit<Span, 'metrics'>, metrics: M): Omit<Span, 'metrics'> & { metrics: M } {
  return {
    phase: s.phase,
    occurrence: s.occurrence,
    from: s.from,
    ...(s.to !== undefined ? { to: s.to } : {}),
    ...(s.entered !== undefined ? { entered: s.entered } : {}),
    metrics,
  };
}

export function spanFromCheckpoint(s: SpanCheckpointEntry): Span {
  return withMetrics(s, SpanMetrics.fromCheckpoint(s.metrics));
}

export function spanToCheckpoint(s: Span): SpanCheckpointEntry {
  return withMetrics(s, s.metrics.checkpoint());
}

/** The first `count` spans of a base file (a previous run's final checkpoint). */
export function readBaseSpans(base: { file: string; spans: number }): Span[] {
  const checkpoint = JSON.parse(readFileSync(base.file, 'utf8')) as MeasurementCheckpoint;
  return checkpoint.spans.slice(0, base.spans).map(spanFromCheckpoint);
}
