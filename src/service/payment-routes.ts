/**
 * The payment service's routes, as data: the router dispatches by them and the OpenAPI document
 * describes them, each keyed by its operation id, so neither can have a route the other lacks.
 *
 * A path is split into its non-empty segments (`/payments/` is `/payments`); `{name}` matches any
 * one segment, still percent-encoded. A path no route fits is 404; one whose routes take other
 * methods is 405 with `Allow`.
 */
export const PAYMENT_ROUTES = [
  { operationId: 'getHealth', method: 'GET', path: '/health' },
  { operationId: 'createPayment', method: 'POST', path: '/payments' },
  { operationId: 'getPayment', method: 'GET', path: '/payments/{order_id}' },
  { operationId: 'confirmPayment', method: 'POST', path: '/payments/{order_id}/confirm' },
  { operationId: 'getOpenApiDocument', method: 'GET', path: '/openapi.json' },
] as const;

export type PaymentRoute = (typeof PAYMENT_ROUTES)[number];
export type OperationId = PaymentRoute['operationId'];

export interface RouteMatch {
  /** The routes whose path fits, whatever their method. */
  routes: PaymentRoute[];
  /** Path parameters by name, as they came (percent-encoded). */
  params: Record<string, string>;
}

const segments = (path: string): string[] => path.split('/').filter(Boolean);

function fit(template: string, parts: string[]): Record<string, string> | undefined {
  const pattern = segments(template);
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of pattern.entries()) {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (name) params[name] = parts[i]!;
    else if (segment !== parts[i]) return undefined;
  }
  return params;
}

/** The routes a path (a URL's pathname) fits, and its parameters. */
export function matchRoute(pathname: string): RouteMatch {
  const parts = segments(pathname);
  const match: RouteMatch = { routes: [], params: {} };
  for (const route of PAYMENT_ROUTES) {
    const params = fit(route.path, parts);
    if (!params) continue;
    match.routes.push(route);
    Object.assign(match.params, params);
  }
  return match;
}
