import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDockerfile, stageLabel } from '../src/dockerfile/parse.js';
import { ROOT } from './helpers/action.js';

/**
 * The Dockerfile reader against BuildKit's own: `docker buildx build --call targets,format=json` lists the stages
 * BuildKit sees (names lower-cased, unnamed ones without a name, the line of each FROM). The reader must see the
 * same stages on every Dockerfile of the repository and on a corpus of corner cases (__tests__/fixtures/dockerfiles).
 */
const corpus = path.join(ROOT, '__tests__', 'fixtures', 'dockerfiles');
const files = [
  ...execFileSync('git', ['ls-files', '*Dockerfile*'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => /(^|\/|\.)Dockerfile$/.test(f) && !f.startsWith('__tests__/fixtures/dockerfiles/')),
  ...fs
    .readdirSync(corpus)
    .filter((f) => f.endsWith('.Dockerfile'))
    .map((f) => path.join('__tests__', 'fixtures', 'dockerfiles', f)),
];

interface BuildKitTarget {
  name?: string;
  base?: string;
  location: { ranges: { start: { line: number } }[] };
}

function buildkitStages(file: string): { name: string | null; line: number; base: string }[] {
  const json = execFileSync(
    'docker',
    ['buildx', 'build', '--call', 'targets,format=json', '--file', file, path.dirname(file)],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return (JSON.parse(json) as { targets: BuildKitTarget[] }).targets.map((t) => ({
    name: t.name ?? null,
    line: t.location.ranges[0].start.line,
    base: t.base ?? '',
  }));
}

describe("the Dockerfile reader sees BuildKit's stages", () => {
  test('the corpus holds the corner cases it is meant to', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  test.each(files)('%s', (file) => {
    const ours = parseDockerfile(fs.readFileSync(path.join(ROOT, file), 'utf8')).stages.map((stage) => ({
      name: stage.name ? stage.name.toLowerCase() : null,
      line: stage.line,
      base: stage.from,
    }));
    expect(ours).toEqual(buildkitStages(file));
    // Labels (the summary's graph) are never empty and never collide.
    const labels = parseDockerfile(fs.readFileSync(path.join(ROOT, file), 'utf8')).stages.map(stageLabel);
    expect(new Set(labels).size).toBe(labels.length);
  });
});
