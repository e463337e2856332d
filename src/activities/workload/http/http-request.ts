/**
 * One request of the HTTP workload, sent and judged: served (one of its `served` statuses, with a
 * JSON body when it must have one), an expected refusal (one of its `refused` statuses, with
 * Retry-After when that is asked for), or a failure by class: `http_status` (any other answer, its
 * status kept as the code), `malformed`, `timeout` (no whole answer by the timeout, counted from
 * when the request was due), `connection_refused`, `connection_reset`, `other`.
 */
import { randomUUID } from 'node:crypto';
import { ClassifiedError, classifyError } from '../../../platform/error-classification';
import { targetUrl, type ResolvedHttpTarget } from '../../../platform/http-targets';
import type { HttpRequestTemplate } from '../../../shared/http-workload-schema';
import { renderBody, renderPath } from '../../../shared/http-templates';

export type HttpOutcome =
  | { kind: 'served'; status: number }
  | { kind: 'refused'; status: number }
  | { kind: 'failed'; error: ClassifiedError }
  /** Cut short by the workload's own stop: neither served nor failed. */
  | { kind: 'cut' };

/** The code of a request whose timeout passed before a slot was free: it never reached the service. */
export const NEVER_SENT = 'never-sent';

/** fetch's failure, classed by its cause (Node's socket, undici's codes) as database errors are. */
function networkFailure(err: unknown): ClassifiedError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return new ClassifiedError('timeout', 'no answer within the timeout');
  const message = `${e.message ?? String(err)}${e.cause?.message ? `: ${e.cause.message}` : ''}`;
  return new ClassifiedError(classifyError(e.cause ?? err), message, e.cause?.code);
}

const SNIPPET = 120;

/** Judges an answer by the request's lists; reads the body (within the same timeout). */
async function judge(request: HttpRequestTemplate, response: Response): Promise<HttpOutcome> {
  const { status } = response;
  const text = await response.text();
  if (request.served.includes(status)) {
    if (!request.json) return { kind: 'served', status };
    try {
      JSON.parse(text);
      return { kind: 'served', status };
    } catch {
      return {
        kind: 'failed',
        error: new ClassifiedError(
          'malformed',
          `HTTP ${status} with a body that is not JSON: ${text.slice(0, SNIPPET)}`,
        ),
      };
    }
  }
  const refusal = request.refused.find((r) => r.status === status);
  if (refusal && (!refusal.retryAfter || response.headers.has('retry-after'))) return { kind: 'refused', status };
  const why = refusal ? ' without Retry-After' : '';
  return {
    kind: 'failed',
    error: new ClassifiedError('http_status', `HTTP ${status}${why}: ${text.slice(0, SNIPPET)}`, String(status)),
  };
}

export interface SendOptions {
  target: ResolvedHttpTarget;
  request: HttpRequestTemplate;
  requestId: string;
  /** How long it may still take (the timeout less the time it waited to be sent). */
  timeoutMs: number;
  /** The workload's stop cutting requests still in flight. */
  cut: AbortSignal;
}

export async function sendRequest(o: SendOptions): Promise<HttpOutcome> {
  if (o.timeoutMs <= 0)
    return {
      kind: 'failed',
      error: new ClassifiedError('timeout', 'due longer than the timeout ago: never sent', NEVER_SENT),
    };
  const { request, requestId } = o;
  const body =
    request.body === undefined
      ? undefined
      : JSON.stringify(renderBody(request.body, { requestId, random: Math.random, uuid: randomUUID }));
  const headers: Record<string, string> = {
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    'x-request-id': requestId,
    ...request.headers,
    ...(o.target.authorization ? { authorization: o.target.authorization } : {}),
  };
  try {
    const response = await fetch(targetUrl(o.target, renderPath(request.path, requestId)), {
      method: request.method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.any([o.cut, AbortSignal.timeout(Math.ceil(o.timeoutMs))]),
    });
    return await judge(request, response);
  } catch (err) {
    if (o.cut.aborted) return { kind: 'cut' };
    return { kind: 'failed', error: networkFailure(err) };
  }
}
