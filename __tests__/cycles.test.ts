import { expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.resolve(import.meta.dirname, '..', 'scripts', 'check-cycles.mjs');

function check(files: Record<string, string>): { ok: boolean; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-cycles-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  try {
    return { ok: true, output: execFileSync('node', [SCRIPT, dir], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error: unknown) {
    return { ok: false, output: String((error as { stderr: string }).stderr) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('src has no import cycle', () => {
  expect(check({}).ok).toBe(true);
  const real = execFileSync('node', [SCRIPT, path.resolve(import.meta.dirname, '..', 'src')], { encoding: 'utf8' });
  expect(real).toMatch(/^no import cycle among \d+ modules/);
});

test.each([
  ['a value import cycle', { 'a.ts': "import { b } from './b.js';", 'b.ts': "import { a } from './a.js';" }],
  [
    'a cycle through a type-only import, across folders',
    {
      'pipeline.ts': "import { phase } from './phases/phase.js';",
      'phases/phase.ts': "import type { Env } from '../pipeline.js';",
    },
  ],
  [
    'a cycle through a dynamic import',
    { 'a.ts': "const b = await import('./b.js');", 'b.ts': "export { a } from './a.js';" },
  ],
])('the check finds %s', (_name, files) => {
  const { ok, output } = check(files);
  expect(ok).toBe(false);
  expect(output).toMatch(/1 import cycle\(s\)/);
});
