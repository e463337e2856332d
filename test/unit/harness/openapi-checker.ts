/**
 * Checks real answers and request bodies against an OpenAPI 3.1 document (the payment service's):
 * the status is one the operation documents, the JSON body validates against that status's schema,
 * and the headers it marks required are there and valid. Used by the unit tests (the API on an
 * in-memory store) and by test/integration/openapi.test.ts (the lab's service).
 *
 * JSON Schema 2020-12 by ajv, with two readings ajv lacks: `format: date-time` (RFC 3339), and
 * `multipleOf` on decimal numbers as JSON Schema means it and schemathesis's validator (jsonschema-rs)
 * reads it: 1.1 is a multiple of 0.01 (ajv's float division, 110.00000000000001, says not).
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

type Json = Record<string, unknown>;

export interface Answer {
  status: number;
  /** A header's value, or null when absent (like fetch's `Headers#get`). */
  header: (name: string) => string | null;
  body: unknown;
}

const ROOT_ID = 'https://faultline.invalid/openapi.json';
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

const decimals = (n: number): number => {
  const [mantissa, exponent] = String(n).toLowerCase().split('e');
  const fraction = mantissa!.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
};

/** Whether `value` is a whole multiple of `step`, both read as the decimals they print as. */
export function isDecimalMultiple(value: number, step: number): boolean {
  const scale = 10 ** Math.min(decimals(step), 15);
  const units = Math.round(value * scale);
  return units / scale === value && units % Math.round(step * scale) === 0;
}

export class OpenApiChecker {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: Json) {
    this.ajv.addFormat('date-time', { type: 'string', validate: (s) => RFC3339.test(s) && !isNaN(Date.parse(s)) });
    this.ajv.removeKeyword('multipleOf');
    this.ajv.addKeyword({
      keyword: 'multipleOf',
      type: 'number',
      schemaType: 'number',
      validate: (step: number, value: number) => isDecimalMultiple(value, step),
    });
    const components = (document.components ?? {}) as { schemas?: Json };
    this.ajv.addSchema({ $id: ROOT_ID, $defs: this.rebased(components.schemas ?? {}) });
  }

  /** A schema with its `#/components/schemas/...` references pointed into the ajv root. */
  private rebased<T>(schema: T): T {
    return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${ROOT_ID}#/$defs/`)) as T;
  }

  /** Follows a local `$ref` (`#/components/...`) to what it names. */
  resolve(node: unknown): Json {
    let current = node as Json;
    for (let hops = 0; typeof current?.$ref === 'string' && hops < 10; hops++) {
      let target: unknown = this.document;
      for (const key of current.$ref.replace(/^#\//, '').split('/')) target = (target as Json | undefined)?.[key];
      if (target === undefined) throw new Error(`unresolved $ref ${current.$ref}`);
      current = target as Json;
    }
    return current;
  }

  /** Why `value` does not validate against `schema` (a document's schema), or nothing. */
  schemaProblems(schema: unknown, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(this.rebased(schema as Json));
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim());
  }

  /** The operation of a method on a path template (`/payments/{order_id}`), if documented. */
  operation(method: string, pathTemplate: string): Json | undefined {
    const item = (this.document.paths as Record<string, Json | undefined>)[pathTemplate];
    return item?.[method.toLowerCase()] as Json | undefined;
  }

  /** What in a real answer the document does not allow, or nothing. */
  check(method: string, pathTemplate: string, answer: Answer): string[] {
    const operation = this.operation(method, pathTemplate);
    if (!operation) return [`${method} ${pathTemplate} is not documented`];
    const label = `${method} ${pathTemplate} ${answer.status}`;
    const responses = operation.responses as Record<string, unknown>;
    const documented = responses[String(answer.status)];
    if (!documented) return [`${label}: status not documented (documented: ${Object.keys(responses).join(', ')})`];
    const response = this.resolve(documented);
    const problems: string[] = [];
    const schema = (response.content as Record<string, { schema?: unknown }> | undefined)?.['application/json']?.schema;
    if (schema) problems.push(...this.schemaProblems(schema, answer.body).map((p) => `${label} body: ${p}`));
    for (const [name, ref] of Object.entries((response.headers ?? {}) as Json)) {
      const header = this.resolve(ref);
      const raw = answer.header(name);
      if (raw === null) {
        if (header.required === true) problems.push(`${label}: required header ${name} missing`);
        continue;
      }
      const headerSchema = this.resolve(header.schema);
      const numeric = headerSchema.type === 'integer' || headerSchema.type === 'number';
      const value = numeric && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
      problems.push(...this.schemaProblems(header.schema, value).map((p) => `${label} header ${name}: ${p}`));
    }
    return problems;
  }
}
