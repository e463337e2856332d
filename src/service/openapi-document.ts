/**
 * `GET /openapi.json`: the payment service's OpenAPI 3.1 document. Its paths are the router's
 * (src/service/payment-routes.ts), each operation keyed by the route's operation id, so a route
 * cannot be added without being described; its schemas are src/service/openapi-schemas.ts. Every
 * status and header is one that src/service/http-api.ts really answers.
 */
import { MAX_BODY_BYTES } from './http-io';
import { orderIdAfter, PAYMENT_SCHEMAS, ref, type JsonSchema } from './openapi-schemas';
import { PAYMENT_ROUTES, type OperationId } from './payment-routes';

interface Operation {
  summary: string;
  description?: string;
  tags: string[];
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
}

const header = (name: string): JsonSchema => ({ $ref: `#/components/headers/${name}` });
const response = (name: string): JsonSchema => ({ $ref: `#/components/responses/${name}` });

/** A JSON answer of one of the schemas (several: any one of them), with these headers. */
function json(description: string, schemas: string[], headers: string[] = []): JsonSchema {
  const schema = schemas.length === 1 ? ref(schemas[0]!) : { oneOf: schemas.map(ref) };
  return {
    description,
    ...(headers.length ? { headers: Object.fromEntries(headers.map((h) => [h, header(h)])) } : {}),
    content: { 'application/json': { schema } },
  };
}

const HEADERS: Record<string, JsonSchema> = {
  'X-Payment-Attempts': {
    description: 'database attempts the answer took (1 = no retry)',
    required: true,
    schema: { type: 'integer', minimum: 1 },
  },
  'Retry-After': { description: 'seconds to wait before retrying', required: true, schema: { type: 'integer' } },
  Location: {
    description: 'where the payment will be',
    required: true,
    schema: { type: 'string', pattern: orderIdAfter('/payments/') },
  },
  'Preference-Applied': { required: true, schema: { type: 'string', enum: ['respond-async'] } },
  Allow: { description: 'the methods the path takes', required: true, schema: { type: 'string' } },
};

const RESPONSES: Record<string, JsonSchema> = {
  BadRequest: json('invalid: the field at fault is named', ['BadRequestError']),
  NotFound: json('no payment for this order_id', ['NotFoundError'], ['X-Payment-Attempts']),
  /** An empty order_id leaves a path of another resource: `/payments//confirm` is `/payments/confirm`. */
  MethodNotAllowed: json('an empty order_id: the path is another resource', ['MethodNotAllowedError'], ['Allow']),
  PayloadTooLarge: json(`the body is over ${MAX_BODY_BYTES} bytes`, ['PayloadTooLargeError']),
  UnsupportedMediaType: json('a body whose content-type is not application/json', ['UnsupportedMediaTypeError']),
  DatabaseUnavailable: json(
    'the database did not answer through the retries; nothing was changed, retry later',
    ['DatabaseUnavailableError'],
    ['Retry-After', 'X-Payment-Attempts'],
  ),
  InternalError: json('a bug in the service (see its log)', ['InternalError']),
};

const orderIdParameter = { name: 'order_id', in: 'path', required: true, schema: ref('OrderId') };

const OPERATIONS: Record<OperationId, Operation> = {
  getHealth: {
    summary: 'whether the service and its database answer',
    tags: ['health'],
    responses: {
      200: json('healthy', ['Healthy']),
      503: json('the database did not answer within 2 s', ['Unhealthy']),
      500: response('InternalError'),
    },
  },
  // `Prefer` is described, not declared as a header parameter: a fuzzer sending invalid requests
  // (schemathesis, negative mode) may break a declared header alone and send a valid body with it.
  createPayment: {
    summary: 'create a payment, idempotent by order_id',
    description:
      'Stored now (201, or 200 when the order already has this payment). With the header `Prefer: respond-async`, handed to the payment workflow instead (202): it creates and confirms the payment, also when the database is down right now. ' +
      `The body must be application/json, at most ${MAX_BODY_BYTES} bytes.`,
    tags: ['payments'],
    requestBody: { required: true, content: { 'application/json': { schema: ref('PaymentRequest') } } },
    responses: {
      201: json('created', ['CreatedPayment'], ['X-Payment-Attempts']),
      200: json(
        'the order already had this payment (same amount): nothing changed',
        ['CreatedPayment'],
        ['X-Payment-Attempts'],
      ),
      202: json(
        'Prefer: respond-async: accepted by the payment workflow',
        ['AcceptedPayment'],
        ['Location', 'Preference-Applied', 'X-Payment-Attempts'],
      ),
      400: response('BadRequest'),
      409: json('the order already has a payment of another amount', ['ConflictError'], ['X-Payment-Attempts']),
      413: response('PayloadTooLarge'),
      415: response('UnsupportedMediaType'),
      503: json(
        'the database (or, with Prefer: respond-async, Temporal) is unavailable: nothing was written, retry later',
        ['DatabaseUnavailableError', 'TemporalUnavailableError'],
        ['Retry-After', 'X-Payment-Attempts'],
      ),
      500: response('InternalError'),
    },
  },
  getPayment: {
    summary: 'read a payment',
    tags: ['payments'],
    parameters: [orderIdParameter],
    responses: {
      200: json('the payment', ['Payment'], ['X-Payment-Attempts']),
      400: response('BadRequest'),
      404: response('NotFound'),
      405: response('MethodNotAllowed'),
      503: response('DatabaseUnavailable'),
      500: response('InternalError'),
    },
  },
  confirmPayment: {
    summary: 'confirm a payment; confirming a confirmed one changes nothing',
    tags: ['payments'],
    parameters: [orderIdParameter],
    requestBody: { required: false, content: { 'application/json': { schema: ref('ConfirmRequest') } } },
    responses: {
      200: json('confirmed (changed: false when it already was)', ['ConfirmedPayment'], ['X-Payment-Attempts']),
      400: response('BadRequest'),
      404: response('NotFound'),
      405: response('MethodNotAllowed'),
      413: response('PayloadTooLarge'),
      415: response('UnsupportedMediaType'),
      503: response('DatabaseUnavailable'),
      500: response('InternalError'),
    },
  },
  getOpenApiDocument: {
    summary: 'this document',
    tags: ['meta'],
    responses: { 200: json('the OpenAPI document', ['OpenApiDocument']), 500: response('InternalError') },
  },
};

const paths: Record<string, Record<string, JsonSchema>> = {};
for (const route of PAYMENT_ROUTES) {
  (paths[route.path] ??= {})[route.method.toLowerCase()] = {
    operationId: route.operationId,
    ...OPERATIONS[route.operationId],
  };
}

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'faultline payment service',
    version: '1.0.0',
    description:
      'The payment service of seed 000: an HTTP API that stays correct while its database fails (503 with Retry-After, never a 500 or a hang), and a Temporal worker whose payment workflow completes payments accepted during an outage. ' +
      'Every answer is JSON. A path that is no resource is 404; a method a path does not take is 405 with `Allow`.',
  },
  tags: [
    { name: 'payments', description: 'payments, idempotent by order_id' },
    { name: 'health', description: 'the service and its database' },
    { name: 'meta', description: 'this document' },
  ],
  paths,
  components: { schemas: PAYMENT_SCHEMAS, responses: RESPONSES, headers: HEADERS },
};
