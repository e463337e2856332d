/** One phase occurrence's figures inside a path's measurement, and its plain-data form. */
import { readFileSync } from 'node:fs';
import type { MeasurementCheckpoint } from './measurement-checkpoint';
import { SpanMetrics } from './span-metrics';

export interface Span {
  phase: string;
  occurrence: number;
  metrics: SpanMetrics;
  from: number;
  to?: number;
  /** When the experiment entered the phase (its phase log entry); `from` when unknown. */
  entered?: number;
}

type SpanCheckpointEntry = MeasurementCheckpoint['spans'][number];

export function spanFromCheckpoint(s: SpanCheckpointEntry): Span {
  return {
    phase: s.phase,
    occurrence: s.occurrence,
    from: s.from,
    ...(s.to !== undefined ? { to: s.to } : {}),
    ...(s.entered !== undefined ? { entered: s.entered } : {}),
    metrics: SpanMetrics.fromCheckpoint(s.metrics),
  };
}

export function spanToCheckpoint(s: Span): SpanCheckpointEntry {
  return {
    phase: s.phase,
    occurrence: s.occurrence,
    from: s.from,
    ...(s.to !== undefined ? { to: s.to } : {}),
    ...(s.entered !== undefined ? { entered: s.entered } : {}),
    metrics: s.metrics.checkpoint(),
  };
}

/** The first `count` spans of a base file (a previous run's final checkpoint). */
export function readBaseSpans(base: { file: string; spans: number }): Span[] {
  const checkpoint = JSON.parse(readFileSync(base.file, 'utf8')) as MeasurementCheckpoint;
  return checkpoint.spans.slice(0, base.spans).map(spanFromCheckpoint);
}
