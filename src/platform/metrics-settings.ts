/**
 * Where a faultline worker serves Prometheus metrics: its own (`FAULTLINE_METRICS_PORT`, default
 * 9464) and the Temporal SDK's (`FAULTLINE_TEMPORAL_METRICS_PORT`, default 9465), always on
 * 127.0.0.1. 0 turns one off.
 */
export const METRICS_HOST = '127.0.0.1';

export interface MetricsPorts {
  /** faultline's metrics (`/metrics`), or undefined when turned off. */
  faultline: number | undefined;
  /** The Temporal SDK's own worker metrics, or undefined when turned off. */
  temporal: number | undefined;
}

function optionalPort(name: string, fallback: number): number | undefined {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a TCP port (1-65535), or 0 for none; got "${raw}"`);
  return value === 0 ? undefined : value;
}

export function metricsPorts(): MetricsPorts {
  return {
    faultline: optionalPort('FAULTLINE_METRICS_PORT', 9464),
    temporal: optionalPort('FAULTLINE_TEMPORAL_METRICS_PORT', 9465),
  };
}
