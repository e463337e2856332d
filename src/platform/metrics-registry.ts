/** The process's Prometheus registry: what a worker's `/metrics` serves (src/worker/metrics-server.ts). */
import { Registry } from 'prom-client';

export const metricsRegistry = new Registry();
