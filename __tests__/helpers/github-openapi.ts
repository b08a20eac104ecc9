import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import AjvModule from 'ajv';
import ajvFormats from 'ajv-formats';

// Both packages are CommonJS with `exports.default`; under NodeNext the class sits on `.default`.
type Constructor = typeof AjvModule.default;
const Ajv = ((AjvModule as unknown as { default?: Constructor }).default ?? AjvModule) as Constructor;
const addFormats = ((ajvFormats as unknown as { default?: typeof ajvFormats.default }).default ??
  ajvFormats) as typeof ajvFormats.default;

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema?: Record<string, unknown>;
}

interface Operation {
  method: string;
  route: string;
  operationId: string;
  parameters: Parameter[];
  requestBody?: Record<string, unknown>;
  responses: Record<string, string>;
}

/** GitHub's published description of the endpoints the action calls (scripts/record-github-openapi.mjs). */
const RECORDING = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'recorded', 'github-openapi.json'), 'utf8'),
) as { operations: Operation[] };

// OpenAPI 3.0 schemas: JSON Schema plus keywords of its own (example, readOnly, nullable...), which are not checks.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);

/** The documented limit of code scanning on an upload: the gzip-compressed SARIF, 10 MB. */
export const MAX_SARIF_GZIP_BYTES = 10 * 1024 * 1024;

export interface Refusal {
  status: number;
  body: { message: string; documentation_url?: string; errors?: unknown[] };
}

const DOCS = 'https://docs.github.com/rest';

function routeRegExp(route: string): RegExp {
  return new RegExp(`^${route.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
}

/** The operation a request is for, and its path parameters, or undefined when GitHub has no such route. */
export function operationOf(
  method: string,
  pathname: string,
): { operation: Operation; params: Record<string, string> } | undefined {
  for (const operation of RECORDING.operations) {
    if (operation.method !== method) continue;
    const match = routeRegExp(operation.route).exec(pathname);
    if (!match) continue;
    const names = [...operation.route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    return { operation, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1])])) };
  }
  return undefined;
}

const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
function validator(key: string, schema: Record<string, unknown>): ReturnType<typeof ajv.compile> {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * What GitHub answers before it does anything with a request, or undefined when it would take it: 401 without a
 * token; 404 for a route it does not have; 400 for a body that is not JSON; 422 for parameters or a body its
 * description refuses (the schema, formats and patterns included); for a SARIF upload, 400 when `sarif` is not
 * Base64 of gzip and 413 over the size limit.
 */
export function refusal(
  method: string,
  url: string,
  headers: Record<string, unknown>,
  body: string,
): Refusal | undefined {
  const auth = headers.authorization;
  if (typeof auth !== 'string' || !/^(token|bearer) \S+$/i.test(auth)) {
    return { status: 401, body: { message: 'Requires authentication', documentation_url: DOCS } };
  }
  const u = new URL(url, 'http://stand-in');
  const found = operationOf(method, u.pathname);
  if (!found) return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
  const { operation, params } = found;
  const problems: string[] = [];
  for (const parameter of operation.parameters) {
    const value = parameter.in === 'path' ? params[parameter.name] : u.searchParams.get(parameter.name);
    if (value === undefined || value === null) {
      if (parameter.required) problems.push(`${parameter.name} is missing`);
      continue;
    }
    if (!parameter.schema) continue;
    const typed = parameter.schema.type === 'integer' ? (/^-?\d+$/.test(value) ? Number(value) : value) : value;
    const validate = validator(`${operation.operationId}:${parameter.name}`, parameter.schema);
    if (!validate(typed)) problems.push(`${parameter.name} ${ajv.errorsText(validate.errors, { dataVar: '' })}`);
  }
  if (problems.length > 0) return invalid(problems);
  if (!operation.requestBody) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: DOCS } };
  }
  const validate = validator(`${operation.operationId}:body`, operation.requestBody);
  if (!validate(payload)) {
    return invalid((validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`.trim()));
  }
  if (operation.operationId === 'code-scanning/upload-sarif') {
    const sarif = Buffer.from(String((payload as { sarif: string }).sarif), 'base64');
    if (sarif.length > MAX_SARIF_GZIP_BYTES) {
      return {
        status: 413,
        body: { message: 'Payload Too Large: the gzipped SARIF is over 10 MB', documentation_url: DOCS },
      };
    }
    try {
      JSON.parse(zlib.gunzipSync(sarif).toString('utf8'));
    } catch {
      return {
        status: 400,
        body: {
          message: 'Invalid SARIF: the sarif field must be gzip-compressed, Base64-encoded JSON',
          documentation_url: DOCS,
        },
      };
    }
  }
  return undefined;
}

function invalid(problems: string[]): Refusal {
  return { status: 422, body: { message: `Invalid request.\n\n${problems.join('\n')}`, documentation_url: DOCS } };
}
