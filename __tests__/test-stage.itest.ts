import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { annotations, runAction, NODE_IMAGE } from './helpers/action.js';

const SERVICES = '__tests__/fixtures/services';

function withTests(testTarget: string, extra: Record<string, string> = {}) {
  return runAction({
    inputs: {
      target: 'healthy',
      'test-target': testTarget,
      context: SERVICES,
      image: 'msa-test/test-stage',
      'build-args': `NODE_IMAGE=${NODE_IMAGE}`,
      ...extra,
    },
  });
}

describe('test stage on the real engine', () => {
  test('passing tests are counted, reported and the target goes on', async () => {
    const dest = path.join('build', `results-${process.pid}`);
    fs.rmSync(dest, { recursive: true, force: true });
    const run = await withTests('results-pass', { 'test-results-path': dest });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs.tests)).toEqual({ total: 3, passed: 2, failed: 0, skipped: 1 });
    expect(run.outputs['test-results-path']).toBe(path.resolve(dest));
    expect(fs.existsSync(path.join(dest, 'junit.xml'))).toBe(true);
    expect(run.stdout).toContain('Tests: 2 passed, 0 failed, 1 skipped (3 in 1 report)');
    expect(run.summary).toContain('✅ 2 passed, 0 failed, 1 skipped');
    expect(run.outputs.smoke).toBe('passed');
  });

  test('failed tests get an annotation each, fail the step after the report, and stop the target', async () => {
    const run = await withTests('results-fail');
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.outputs.tests)).toEqual({ total: 5, passed: 3, failed: 1, skipped: 1 });
    const errors = annotations(run.stdout, 'error');
    const testAnnotation = run.stdout
      .split('\n')
      .find((l) => l.startsWith('::error') && l.includes('title=Test failed%3A checkout total includes tax'));
    expect(testAnnotation).toBeDefined();
    expect(testAnnotation).toContain('total should include 20%25 tax');
    // Node's JUnit has no file attribute: the location comes from the stack, mapped into the repository.
    expect(testAnnotation).toContain('file=__tests__/fixtures/services/fail.test.js,line=3::');
    expect(errors.join('\n')).toContain('1 of 5 tests failed:\n  - checkout total includes tax');
    expect(run.summary).toContain('### healthy: ❌ test did not pass');
    expect(run.summary).toContain('| `checkout total includes tax` |');
    // Nothing after the gate: the shipped target was not built.
    expect(run.outputs['image-id']).toBe('');
    expect(run.outputs.smoke).toBe('');
  });

  test('a test stage that fails to build names the failing tests from the build log', async () => {
    const run = await withTests('results-broken');
    expect(run.exitCode).toBe(1);
    const errors = annotations(run.stdout, 'error').join('\n');
    expect(errors).toContain('Test stage "results-broken" failed to build at [testing-broken 2/2] RUN node --test');
    expect(errors).toContain('failed tests:\n  - checkout total includes tax');
    expect(run.stdout).toMatch(
      /::error title=Test failed%3A checkout total includes tax,file=__tests__\/fixtures\/services\/Dockerfile,line=\d+::/,
    );
  });

  test('a test stage without JUnit reports fails with what to do', async () => {
    const run = await withTests('results-empty');
    expect(run.exitCode).toBe(1);
    expect(annotations(run.stdout, 'error').join('\n')).toContain('exported no JUnit XML files');
  });
});
