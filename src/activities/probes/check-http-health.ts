/**
 * The HTTP part of the steady-state hypothesis (`http.health`): each target's health request answers
 * its expected status, within its latency bound, with the JSON field values asked for (seed 000's
 * `{"status": "healthy", "database": "connected"}`). One request per target, each check said in words.
 */
import type { HttpHealth } from '../../shared/http-workload-schema';
import type { HttpHealthCheck } from '../../shared/steady-state-types';
import { resolveHttpTarget, targetUrl } from '../../platform/http-targets';

/** The bound plus some: a health request that has not answered by then is reported as not answering. */
const SLACK_MS = 5000;

function fieldMismatches(body: unknown, fields: HttpHealth['fields']): string[] {
  const object = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  return Object.entries(fields)
    .filter(([name, want]) => object?.[name] !== want)
    .map(([name, want]) => `${name} ${JSON.stringify(object?.[name])} (expected ${JSON.stringify(want)})`);
}

export async function checkHttpHealth(name: string, health: HttpHealth): Promise<HttpHealthCheck> {
  const target = resolveHttpTarget(name);
  const started = performance.now();
  try {
    const response = await fetch(targetUrl(target, health.path), {
      headers: target.authorization ? { authorization: target.authorization } : {},
      redirect: 'manual',
      signal: AbortSignal.timeout(health.maxLatencyMs + SLACK_MS),
    });
    const text = await response.text();
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const reasons = [
      ...(response.status !== health.status ? [`status ${response.status} (expected ${health.status})`] : []),
      ...(latencyMs > health.maxLatencyMs ? [`${latencyMs} ms > ${health.maxLatencyMs} ms`] : []),
      ...fieldMismatches(body, health.fields),
    ];
    return {
      target: name,
      path: health.path,
      status: response.status,
      latencyMs,
      holds: reasons.length === 0,
      ...(reasons.length ? { reason: `GET ${health.path}: ${reasons.join(', ')}` } : {}),
    };
  } catch (err) {
    return {
      target: name,
      path: health.path,
      status: null,
      latencyMs: null,
      holds: false,
      reason: `GET ${health.path} on ${target.display}: no answer (${(err as Error).message})`,
    };
  }
}
