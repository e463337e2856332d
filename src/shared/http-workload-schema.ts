/**
 * The HTTP workload (`http` in a definition): a user's own service measured through its HTTP API,
 * beside the database paths. Each target is a base URL the worker reads by name from its
 * environment (FAULTLINE_HTTP_<NAME>), never from the definition. Requests are named, weighted and
 * built from templates (http-templates.ts); each says which answers count as served, which as an
 * expected refusal (downtime, not a failure), and everything else is a failure. Pure.
 */
import { z } from 'zod';
import { bodyTemplateIssues, carriesRequestId, pathTemplateIssue } from './http-templates';
import { firstKeyword, hasSecondStatement, highestPlaceholder } from './sql-text';
import { CONNECTION_NAME, thinkTimeSeconds, wholeNumber } from './schema-fields';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const statusCode = wholeNumber(100, 599, 'an HTTP status code');
/** RFC 9110's token characters: a header's name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
/** Headers the client sets itself (the URL's host, the body's length and framing). */
const OWN_HEADERS = ['host', 'content-length', 'transfer-encoding', 'connection'];

const refusalSchema = z
  .object({
    status: statusCode,
    /** Only with a Retry-After header (the seed's graceful 503 says when to come back). */
    retryAfter: z.boolean().default(false),
  })
  .strict();

export const httpRequestSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lowercase letters, digits and _, starting with a letter'),
    weight: wholeNumber(1, 1000).default(1),
    method: z.enum(HTTP_METHODS).default('GET'),
    /** On the target's base URL; `{requestId}` is this request's own id (the audit's key). */
    path: z
      .string()
      .max(2000, 'at most 2000 characters')
      .superRefine((p, ctx) => {
        const issue = pathTemplateIssue(p);
        if (issue) ctx.addIssue({ code: 'custom', message: issue });
      }),
    headers: z
      .record(z.string(), z.string().max(4000, 'at most 4000 characters'))
      .default({})
      .superRefine((h, ctx) => {
        for (const name of Object.keys(h)) {
          if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'not a header name' });
          else if (OWN_HEADERS.includes(name.toLowerCase()))
            ctx.addIssue({ code: 'custom', path: [name], message: 'set by the client itself' });
        }
      }),
    /** A JSON body; `{"$uuid": true}`, `{"$randomInt": [min, max]}`, `{"$pick": [...]}`, `{"$requestId": true}` are drawn per request. */
    body: z.unknown().optional(),
    /** read or write (a write's outage is a write outage); by default GET and HEAD read, the rest write. */
    type: z.enum(['read', 'write']).optional(),
    /** Answers that count as served. */
    served: z.array(statusCode).min(1, 'needs at least one status').default([200, 201, 204]),
    /** Answers that count as an expected refusal during an outage: downtime, not a failure. */
    refused: z.array(refusalSchema).default([{ status: 503, retryAfter: false }]),
    /** A served answer must carry a JSON body that parses (else it is a failure: `malformed`). */
    json: z.boolean().default(false),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.body !== undefined && (r.method === 'GET' || r.method === 'HEAD'))
      ctx.addIssue({ code: 'custom', path: ['body'], message: `${r.method} takes no body` });
    for (const issue of r.body === undefined ? [] : bodyTemplateIssues(r.body))
      ctx.addIssue({ code: 'custom', path: ['body', ...issue.path], message: issue.message });
    const both = r.refused.filter((x) => r.served.includes(x.status)).map((x) => x.status);
    if (both.length) ctx.addIssue({ code: 'custom', path: ['refused'], message: `${both.join(', ')} also served` });
  });

/**
 * The audit of what the service acknowledged (`http.audit`): after recovery, a query through a named
 * connection, keyed on the id each request of `request` sent ($1), finds its writes: an
 * acknowledged one missing is lost; a refused or failed one present was written despite the answer.
 */
export const httpAuditSchema = z
  .object({
    /** The request whose answers are audited; its body or path carries {"$requestId": true} or {requestId}. */
    request: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a request name'),
    connection: z.string().regex(CONNECTION_NAME, 'must be a connection name'),
    /** One SELECT (or WITH) whose rows are the writes of the request id $1, e.g. SELECT 1 FROM payments WHERE order_id = $1. */
    query: z
      .string()
      .trim()
      .max(4000, 'at most 4000 characters')
      .refine((q) => !hasSecondStatement(q), { message: 'one statement only' })
      .refine((q) => ['select', 'with'].includes(firstKeyword(q)), { message: 'must be a SELECT or WITH query' })
      .refine((q) => highestPlaceholder(q) === 1, { message: 'must use $1 (the request id), and no other $n' }),
    /** How long an acknowledged write may take to show (a service that writes after it answers). */
    settleSeconds: wholeNumber(0, 600).default(10),
  })
  .strict();

/** The health request of the steady-state hypothesis: its status, a JSON field's value, a latency bound. */
export const httpHealthSchema = z
  .object({
    path: z
      .string()
      .regex(/^\/[^\s{}]*$/, 'must start with / (no spaces, no {})')
      .default('/health'),
    status: statusCode.default(200),
    /** Top-level fields of the JSON answer and the values they must have, e.g. {"database": "connected"}. */
    fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
    maxLatencyMs: wholeNumber(1, 60_000).default(1000),
  })
  .strict();

export const httpWorkloadSchema = z
  .object({
    /** Base URLs by name, one HTTP path each: the worker reads FAULTLINE_HTTP_<NAME>. */
    targets: z
      .array(z.string().regex(CONNECTION_NAME, 'must be a name (lowercase letters, digits, - and _)'))
      .min(1, 'needs at least one target')
      .max(8, 'at most 8 targets')
      .refine((t) => new Set(t).size === t.length, { message: 'targets must not repeat' }),
    /** Open loop: this many requests a second per target, each timed from when it was due. */
    ratePerSecond: z.number().min(0.1, 'must be >= 0.1').max(2000, 'must be <= 2000').optional(),
    /** Closed loop instead: this many clients per target, each sending its next request after an answer and a think time. */
    workers: wholeNumber(1, 512).optional(),
    thinkTimeSeconds: thinkTimeSeconds(),
    /** Open loop: requests in flight at most per target; a due request then waits for a slot (counted). */
    maxInFlight: wholeNumber(1, 10_000).default(200),
    /** No answer this long after it was due: a `timeout` failure. */
    timeoutMs: wholeNumber(100, 300_000).default(10_000),
    /** A request outstanding this long makes the target unavailable from when it was due (docs/downtime.md). */
    stallThresholdMs: wholeNumber(50, 600_000).default(1000),
    requests: z
      .array(httpRequestSchema)
      .min(1, 'needs at least one request')
      .max(50, 'at most 50 requests')
      .refine((r) => new Set(r.map((x) => x.name)).size === r.length, { message: 'request names must be unique' }),
    /** Checked before and after, beside the success-rate and latency checks. */
    health: httpHealthSchema.optional(),
    audit: httpAuditSchema.optional(),
  })
  .strict()
  .superRefine((h, ctx) => {
    const audited = h.audit && h.requests.find((r) => r.name === h.audit!.request);
    if (h.audit && !audited)
      ctx.addIssue({ code: 'custom', path: ['audit', 'request'], message: `no request named "${h.audit.request}"` });
    if (audited && !carriesRequestId(audited))
      ctx.addIssue({
        code: 'custom',
        path: ['audit', 'request'],
        message: `"${audited.name}" sends no request id to look up: put {"$requestId": true} in its body or {requestId} in its path`,
      });
    if (h.ratePerSecond !== undefined && h.workers !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['workers'],
        message: 'either ratePerSecond (open loop) or workers (closed loop)',
      });
  });

export type HttpWorkload = z.output<typeof httpWorkloadSchema>;
export type HttpWorkloadInput = z.input<typeof httpWorkloadSchema>;
export type HttpRequestTemplate = z.output<typeof httpRequestSchema>;
export type HttpHealth = z.output<typeof httpHealthSchema>;
export type HttpAudit = z.output<typeof httpAuditSchema>;

/** The open loop's rate when neither a rate nor workers are given. */
export const DEFAULT_HTTP_RATE = 10;

/** The lab's HTTP target names (src/platform/http-targets.ts resolves them). */
export const labHttpTargetNames = ['flask', 'flask-broken', 'payment-service'];

/** The variable a target's base URL is read from. */
export const httpEnvKey = (name: string): string => `FAULTLINE_HTTP_${name.toUpperCase().replace(/-/g, '_')}`;

/** A request's type: given, or by its method. */
export const requestType = (r: Pick<HttpRequestTemplate, 'type' | 'method'>): 'read' | 'write' =>
  r.type ?? (r.method === 'GET' || r.method === 'HEAD' ? 'read' : 'write');
