import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import conversationsSpec from './specs/twilio_conversations_v2.json';
import memorySpec from './specs/twilio_memory_v1.json';

type Json = Record<string, unknown>;
export type SpecName = 'conversations' | 'memory';

/**
 * Where the emulator knowingly goes beyond the published specs, each backed by another source
 * (api-notes.md or the official twilio-node 6.2.0 client). Applied to the spec before compiling.
 */
function applyDocumentedExtensions(name: SpecName, spec: Json): void {
  if (name === 'memory') {
    // twilio-node's StoreInstance reads `description`, and the create request takes one (1-128);
    // the spec's closed Store schema predates it.
    const schemas = (spec.components as { schemas: Record<string, { properties: Record<string, Json> }> })
      .schemas;
    schemas.Store!.properties.description = { type: 'string', minLength: 1, maxLength: 128 };
    // api-notes.md names Twilio error 520045 for a duplicate store display name: six digits,
    // over the spec's `code` maximum of 99999.
    schemas.TwilioError!.properties.code!.maximum = 999999;
  }
}

/**
 * OpenAPI 3.0 schema -> JSON Schema for Ajv: `nullable: true` becomes a `null` type, and the
 * `discriminator` annotation (whose `mapping` Ajv does not support) is dropped; `oneOf` still checks.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === 'discriminator' || key === 'nullable') continue;
    out[key] = toJsonSchema(value);
  }
  const source = node as Json;
  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const format of ['int32', 'int64', 'float', 'double']) ajv.addFormat(format, true);

const specs: Record<SpecName, Json> = {
  conversations: structuredClone(conversationsSpec),
  memory: structuredClone(memorySpec),
};
for (const name of ['conversations', 'memory'] as const) {
  applyDocumentedExtensions(name, specs[name]);
  ajv.addSchema(toJsonSchema(specs[name]) as Json, name);
}

const pointer = (...segments: string[]): string =>
  segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

const validators = new Map<string, ValidateFunction>();
function compile(ref: string): ValidateFunction {
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  return validate;
}

/** The JSON-schema `$ref` of a path's response body, following a `#/components/responses` reference. */
export function responseSchemaRef(spec: SpecName, path: string, method: string, status: number): string {
  const paths = specs[spec].paths as Record<string, Record<string, { responses: Record<string, Json> }>>;
  const operation = paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${spec} spec has no ${method} ${path}`);
  let response = operation.responses[String(status)];
  let location = `${spec}#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status))}`;
  if (!response) throw new Error(`${spec} spec has no ${status} response for ${method} ${path}`);
  if (typeof response.$ref === 'string') {
    location = `${spec}${response.$ref}`;
    const name = response.$ref.split('/').pop()!;
    response = (specs[spec].components as { responses: Record<string, Json> }).responses[name]!;
  }
  if (!(response.content as Json | undefined)?.['application/json']) {
    throw new Error(`${spec} spec has no JSON body for ${status} ${method} ${path}`);
  }
  return `${location}/${pointer('content', 'application/json', 'schema')}`;
}

/** The `$ref` of a component schema, for shapes the spec defines but no path returns (Actions). */
export function componentSchemaRef(spec: SpecName, name: string): string {
  return `${spec}#/${pointer('components', 'schemas', name)}`;
}

/** Validation errors of `body` against the schema at `ref`, as readable lines (empty when valid). */
export function schemaErrors(ref: string, body: unknown): string[] {
  const validate = compile(ref);
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
  );
}

/** The response headers a path's response declares (e.g. Operation-Id, Retry-After, Location). */
export function declaredHeaders(spec: SpecName, path: string, method: string, status: number): string[] {
  const paths = specs[spec].paths as Record<
    string,
    Record<string, { responses: Record<string, { headers?: Json }> }>
  >;
  return Object.keys(paths[path]?.[method.toLowerCase()]?.responses[String(status)]?.headers ?? {});
}
