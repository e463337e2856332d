/** HDR histograms as faultline keeps them: latencies in microseconds, summaries in milliseconds. */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../../../shared/workload-types';

/**
 * Latencies are recorded in microseconds, from 1 µs to 1 hour, to 3 significant digits (about
 * 90 KB per histogram; the packed variant is smaller but costs the client CPU on every record).
 */
export function newHistogram(significantDigits: 2 | 3 = 3): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: significantDigits,
    autoResize: false,
  });
}

/** Microseconds as milliseconds, to the microsecond. */
export const histogramMs = (us: number): number => Math.round(us) / 1000;

/** A histogram as text (HDR's compressed base64), for checkpoints; empty ones are "". */
export function encodeHistogram(histogram: hdr.Histogram): string {
  return histogram.totalCount === 0 ? '' : hdr.encodeIntoCompressedBase64(histogram);
}

/** Adds an encoded histogram's values into `into`. */
export function addEncoded(into: hdr.Histogram, encoded: string): void {
  if (!encoded) return;
  const decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
  into.add(decoded);
  decoded.destroy();
}

export function latencySummary(histogram: hdr.Histogram): LatencySummary {
  if (histogram.totalCount === 0)
    return { count: 0, min: null, mean: null, p50: null, p95: null, p99: null, max: null };
  // A percentile is reported as its bucket's upper bound, which can pass the recorded maximum.
  const max = histogram.maxValue;
  const at = (p: number) => histogramMs(Math.min(histogram.getValueAtPercentile(p), max));
  return {
    count: histogram.totalCount,
    min: histogramMs(histogram.minNonZeroValue),
    mean: histogramMs(histogram.mean),
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: histogramMs(max),
  };
}
