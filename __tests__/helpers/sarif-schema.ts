import * as fs from 'node:fs';
import * as path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { SHARED_FIXTURES } from './servers.js';

// Both packages are CommonJS with `exports.default`; under NodeNext the class sits on `.default`.
type Constructor = typeof AjvDraft04.default;
const Ajv = ((AjvDraft04 as unknown as { default?: Constructor }).default ?? AjvDraft04) as Constructor;
const addFormats = ((ajvFormats as unknown as { default?: typeof ajvFormats.default }).default ??
  ajvFormats) as typeof ajvFormats.default;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(
  JSON.parse(fs.readFileSync(path.join(SHARED_FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8')),
);

/** Errors of a SARIF log against the OASIS SARIF 2.1.0 schema (draft-04), or null when it is valid. */
export function sarifSchemaErrors(sarif: unknown): unknown[] | null {
  return validate(sarif) ? null : (validate.errors ?? []);
}
