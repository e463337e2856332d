/**
 * The HTTP workload's request templates: a path with `{requestId}`, and a JSON body whose values may
 * be drawn per request:
 *
 *   {"$requestId": true}                    the request's own id (what an audit looks it up by)
 *   {"$uuid": true}                         a random UUID
 *   {"$randomInt": [min, max]}              a whole number in [min, max]; with "divideBy": 100, 1.00-style amounts
 *   {"$pick": [a, b, ...]}                  one of the values
 *
 * Anything else is sent as written. Validation and rendering are pure: the random draws are given.
 */

export interface TemplateIssue {
  path: Array<string | number>;
  message: string;
}

const GENERATORS = ['$requestId', '$uuid', '$randomInt', '$pick'] as const;
const MAX_DEPTH = 16;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The generator an object is, if one of its keys starts with `$`. */
function generatorOf(v: Record<string, unknown>): string | undefined {
  return Object.keys(v).find((k) => k.startsWith('$'));
}

function generatorIssue(v: Record<string, unknown>, name: string): string | undefined {
  if (!(GENERATORS as readonly string[]).includes(name)) return `unknown generator ${name} (${GENERATORS.join(', ')})`;
  const extra = Object.keys(v).filter((k) => k !== name && !(name === '$randomInt' && k === 'divideBy'));
  if (extra.length) return `${name} takes no other keys (${extra.join(', ')})`;
  const arg = v[name];
  if (name === '$requestId' || name === '$uuid') return arg === true ? undefined : `${name} must be true`;
  if (name === '$pick')
    return Array.isArray(arg) && arg.length > 0 ? undefined : '$pick must be a list of at least one value';
  const ok = Array.isArray(arg) && arg.length === 2 && arg.every(Number.isSafeInteger) && arg[0] <= arg[1];
  if (!ok) return '$randomInt must be [min, max], whole numbers with min <= max';
  const d = v.divideBy;
  return d === undefined || (typeof d === 'number' && d > 0) ? undefined : 'divideBy must be a number > 0';
}

/** Every problem of a body template, each with where it is. */
export function bodyTemplateIssues(body: unknown, at: Array<string | number> = [], depth = 0): TemplateIssue[] {
  if (depth > MAX_DEPTH) return [{ path: at, message: `nested deeper than ${MAX_DEPTH}` }];
  if (Array.isArray(body)) return body.flatMap((v, i) => bodyTemplateIssues(v, [...at, i], depth + 1));
  if (!isObject(body)) {
    const ok = body === null || ['string', 'number', 'boolean'].includes(typeof body);
    return ok ? [] : [{ path: at, message: 'not a JSON value' }];
  }
  const generator = generatorOf(body);
  if (generator) {
    const message = generatorIssue(body, generator);
    return message ? [{ path: at, message }] : [];
  }
  return Object.entries(body).flatMap(([k, v]) => bodyTemplateIssues(v, [...at, k], depth + 1));
}

/** What is wrong with a path template, if anything. */
export function pathTemplateIssue(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must start with /';
  if (/\s/.test(path)) return 'must not contain spaces';
  const placeholders = path.match(/\{[^}]*\}?/g) ?? [];
  const bad = placeholders.filter((p) => p !== '{requestId}');
  return bad.length ? `unknown placeholder ${bad[0]} (only {requestId})` : undefined;
}

/** Whether a request sends its id (in its path or its body): what an audit looks it up by. */
export function carriesRequestId(r: { path: string; body?: unknown }): boolean {
  const inBody = (v: unknown): boolean =>
    Array.isArray(v)
      ? v.some(inBody)
      : isObject(v) && (v.$requestId === true || (!generatorOf(v) && Object.values(v).some(inBody)));
  return r.path.includes('{requestId}') || inBody(r.body);
}

/** What a rendering draws from: the request's id and the random sources. */
export interface Draws {
  requestId: string;
  /** Uniform in [0, 1). */
  random: () => number;
  uuid: () => string;
}

function drawn(v: Record<string, unknown>, name: string, d: Draws): Json {
  switch (name) {
    case '$requestId':
      return d.requestId;
    case '$uuid':
      return d.uuid();
    case '$pick': {
      const list = v.$pick as Json[];
      return list[Math.floor(d.random() * list.length)]!;
    }
    default: {
      const [min, max] = v.$randomInt as [number, number];
      const n = min + Math.floor(d.random() * (max - min + 1));
      return typeof v.divideBy === 'number' ? n / v.divideBy : n;
    }
  }
}

/** A body with its generators drawn (a template that passed bodyTemplateIssues). */
export function renderBody(template: unknown, d: Draws): Json {
  if (Array.isArray(template)) return template.map((v) => renderBody(v, d));
  if (!isObject(template)) return template as Json;
  const generator = generatorOf(template);
  if (generator) return drawn(template, generator, d);
  return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderBody(v, d)]));
}

/** A path with its `{requestId}` filled in, percent-encoded. */
export const renderPath = (path: string, requestId: string): string =>
  path.replace(/\{requestId\}/g, encodeURIComponent(requestId));
