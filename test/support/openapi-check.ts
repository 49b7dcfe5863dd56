import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** One answer the app gave during a test. */
export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  contentType: string;
  body: string;
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

/** `/auth/sessions/{id}` → a regular expression matching the concrete paths of that template. */
const templateToRegExp = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/]+\}/g, '[^/]+')}$`);

/** Rewrites local references so that they resolve against the document registered under `openapi`. */
function localRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(localRefs);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema).map(([key, value]) => [
        key,
        key === '$ref' && typeof value === 'string' ? `openapi${value}` : localRefs(value),
      ]),
    );
  }
  return schema;
}

/**
 * Checks answers against the OpenAPI document: a documented operation must list the status it answered, and its
 * JSON body must match the documented schema; any other JSON error (an unknown path, a method a path does not
 * have) must be a 4xx in the common error format. Answers that are not JSON (the docs page and its files) are
 * not checked.
 */
export class OpenApiResponseCheck {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly routes: Array<{ pattern: RegExp; operations: Record<string, Operation> }>;
  private readonly validators = new Map<object, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: localRefs(document.components) as object });
    this.routes = Object.entries(document.paths).map(([template, operations]) => ({
      pattern: templateToRegExp(template),
      operations,
    }));
  }

  /** What is wrong with one answer; empty when it matches the document. */
  problems(response: RecordedResponse): string[] {
    if (!response.contentType.includes('application/json') || response.method === 'HEAD') return [];
    const path = response.url.split('?', 1)[0];
    // The document itself.
    if (path === '/docs-json') return [];
    const where = `${response.method} ${path} → ${response.status}`;
    const operation = this.routes.find((route) => route.pattern.test(path))?.operations[
      response.method.toLowerCase()
    ];
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return [`${where}: the body is not JSON`];
    }
    if (!operation) {
      if (response.status < 400 || response.status >= 500) {
        return [`${where}: an undocumented operation answered ${response.status}`];
      }
      return this.validate(where, { $ref: '#/components/schemas/ErrorResponseDto' }, body);
    }
    const documented = operation.responses[String(response.status)] ?? operation.responses.default;
    if (!documented) {
      return [`${where}: status ${response.status} is not documented for this operation`];
    }
    const schema = documented.content?.['application/json']?.schema;
    if (!schema) return [`${where}: the document has no JSON body for this status`];
    return this.validate(where, schema, body);
  }

  private validate(where: string, schema: object, body: unknown): string[] {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(localRefs(schema) as object);
      this.validators.set(schema, validate);
    }
    if (validate(body)) return [];
    return [
      `${where}: the body does not match the document: ${this.ajv.errorsText(validate.errors)} (${JSON.stringify(body).slice(0, 300)})`,
    ];
  }
}
