/** The HTTP side of the payment API: errors that name a field, JSON replies, bodies, ids. */
import type http from 'node:http';
import { validateOrderId, type Validated } from '../shared/payment-request';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 16 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type Reply = { status: number; body: unknown; headers?: Record<string, string> };

export function send(res: http.ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

export const invalid = (result: Validated<unknown> & { ok: false }): HttpError =>
  new HttpError(400, result.field, `${result.field} ${result.message}`);

/** Reads the body (at most MAX_BODY_BYTES) and parses it as JSON; undefined when there is none. */
export async function readJson(req: http.IncomingMessage, required: boolean): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, '(body)', `(body) must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  // No body is no bytes: whitespace is a body, and not JSON (as the OpenAPI document says).
  if (text === '') {
    if (required) throw new HttpError(400, '(body)', '(body) is required: a JSON object with order_id and amount');
    return undefined;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    throw new HttpError(415, 'content-type', `content-type must be application/json, got "${type || 'none'}"`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, '(body)', `(body) is not valid JSON: ${(err as Error).message}`);
  }
}

export function orderIdFrom(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'order_id', 'order_id is not a valid URL path segment');
  }
  const result = validateOrderId(decoded);
  if (!result.ok) throw invalid(result);
  return result.value;
}

export const attemptsHeader = (attempts: number) => ({ 'x-payment-attempts': String(attempts) });
