// Records the part of GitHub's published OpenAPI description that the action calls, for the tests' API stand-in
// (__tests__/helpers/servers.ts validates every request against it):
//
//   node scripts/record-github-openapi.mjs
//
// installs @octokit/openapi (the npm package of github/rest-api-description, pinned below) into a temporary folder,
// takes the dereferenced description of api.github.com, keeps the operations of OPERATIONS (their parameters,
// request body schema and the statuses they document) and writes __tests__/fixtures/recorded/github-openapi.json.
// The whole package is 385 MB; the recording is a few KB.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PACKAGE = '@octokit/openapi@23.0.2';
const OPERATIONS = [
  ['post', '/repos/{owner}/{repo}/code-scanning/sarifs'],
  ['get', '/repos/{owner}/{repo}/code-scanning/sarifs/{sarif_id}'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['patch', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-openapi-'));
try {
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, PACKAGE], { stdio: 'inherit' });
  const file = path.join(dir, 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.deref.json');
  const description = JSON.parse(fs.readFileSync(file, 'utf8'));
  const operations = OPERATIONS.map(([method, route]) => {
    const operation = description.paths[route]?.[method];
    if (!operation) throw new Error(`${method.toUpperCase()} ${route} is not in ${PACKAGE}`);
    return {
      method: method.toUpperCase(),
      route,
      operationId: operation.operationId,
      parameters: (operation.parameters ?? []).map((p) => ({
        name: p.name,
        in: p.in,
        required: Boolean(p.required),
        schema: p.schema,
      })),
      requestBody: operation.requestBody?.content?.['application/json']?.schema,
      responses: Object.fromEntries(
        Object.entries(operation.responses).map(([status, response]) => [status, response.description]),
      ),
    };
  });
  const out = path.join(import.meta.dirname, '..', '__tests__', 'fixtures', 'recorded', 'github-openapi.json');
  const recording = {
    source: `${PACKAGE}, generated/api.github.com.deref.json (GitHub REST API ${description.info.version})`,
    recordedBy: 'node scripts/record-github-openapi.mjs',
    operations,
  };
  fs.writeFileSync(out, `${JSON.stringify(recording, null, 2)}\n`);
  console.log(`wrote ${out}: ${operations.map((o) => o.operationId).join(', ')}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
