import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { automationId, prepareSarif, type SarifLog } from '../src/sarif/prepare.js';
import { explainForbidden, uploadRef } from '../src/sarif/upload.js';
import { readContext } from '../src/context.js';
import { SHARED_FIXTURES } from './helpers/servers.js';

import { sarifSchemaErrors } from './helpers/sarif-schema.js';
import { sarifErrors } from './helpers/sarif-validate.js';
const golden = (): SarifLog =>
  JSON.parse(fs.readFileSync(path.join(SHARED_FIXTURES, 'trivy', 'alpine-310.sarif.golden'), 'utf8'));

function bigSarif(results: number, ruleText = 'x'): SarifLog {
  const sarif = golden();
  const run = sarif.runs[0];
  const template = run.results![0];
  run.tool.driver.rules = [
    {
      ...run.tool.driver.rules![0],
      id: 'LOW-1',
      properties: { 'security-severity': '2.0', tags: Array.from({ length: 30 }, (_, i) => `t${i}`) },
      fullDescription: { text: ruleText },
    },
    { ...run.tool.driver.rules![0], id: 'CRIT-1', properties: { 'security-severity': '9.8', tags: ['security'] } },
  ];
  run.results = Array.from({ length: results }, (_, i) => ({
    ...template,
    ruleId: i % 10 === 0 ? 'CRIT-1' : 'LOW-1',
    ruleIndex: i % 10 === 0 ? 1 : 0,
    message: { text: `result ${i} ${'y'.repeat(50)}` },
  }));
  return sarif;
}

describe('prepareSarif', () => {
  test('the golden SARIF is schema-valid before and after, with the category as automationDetails.id', () => {
    expect(sarifSchemaErrors(golden())).toBeNull();
    const prepared = prepareSarif(golden(), { category: 'multistage/production-backend' });
    expect(sarifSchemaErrors(prepared.sarif)).toBeNull();
    expect(prepared.sarif.runs[0].automationDetails).toEqual({ id: 'multistage/production-backend/' });
    expect(prepared.warnings).toEqual([]);
    expect(prepared.resultCount).toBe(4);
    expect(JSON.parse(zlib.gunzipSync(prepared.gzipped).toString())).toEqual(prepared.sarif);
  });

  test('the input is not modified', () => {
    const input = golden();
    prepareSarif(input, { category: 'c' });
    expect(input).toEqual(golden());
  });

  test('over the results limit: keeps the most severe and says so', () => {
    const prepared = prepareSarif(bigSarif(300), { category: 'c', limits: { resultsPerRun: 50 } });
    const results = prepared.sarif.runs[0].results!;
    expect(results).toHaveLength(50);
    expect(results.filter((r) => r.ruleId === 'CRIT-1')).toHaveLength(30);
    expect(prepared.warnings).toContain("kept the 50 most severe of 300 results (GitHub's limit per run)");
    expect(sarifSchemaErrors(prepared.sarif)).toBeNull();
  });

  test('locations per result, tags per rule and rule texts are trimmed', () => {
    const sarif = bigSarif(2, 'z'.repeat(10_000));
    const location = sarif.runs[0].results![0].locations as unknown[];
    sarif.runs[0].results![0].locations = Array.from({ length: 1_500 }, () => location[0]);
    const prepared = prepareSarif(sarif, { category: 'c' });
    expect((prepared.sarif.runs[0].results![0].locations as unknown[]).length).toBe(1_000);
    const rule = prepared.sarif.runs[0].tool.driver.rules![0] as {
      fullDescription: { text: string };
      properties: { tags: string[] };
    };
    expect(rule.fullDescription.text.length).toBe(8_000);
    expect(rule.properties.tags).toHaveLength(20);
    expect(prepared.warnings).toEqual([
      'trimmed the locations of 1 results to 1000 each',
      'cut 1 rule texts to 8000 characters',
    ]);
  });

  test('over the gzip limit: drops help, then the least severe results, until it fits', () => {
    const prepared = prepareSarif(bigSarif(2_000), { category: 'c', limits: { gzipBytes: 4_000 } });
    expect(prepared.gzipped.length).toBeLessThanOrEqual(4_000);
    expect(prepared.resultCount).toBeLessThan(2_000);
    // The least severe go first: every critical result is kept before any low one.
    const kept = prepared.sarif.runs[0].results!;
    expect(kept.filter((r) => r.ruleId === 'CRIT-1')).toHaveLength(Math.min(200, kept.length));
    expect(prepared.warnings.some((w) => w.startsWith('dropped the'))).toBe(true);
    expect(sarifSchemaErrors(prepared.sarif)).toBeNull();
  });

  test('automationId ends with a slash once', () => {
    expect(automationId('multistage/web')).toBe('multistage/web/');
    expect(automationId('multistage/web/')).toBe('multistage/web/');
  });
});

describe("GitHub's ingestion rules (SARIF Multitool, Sarif;Ghas)", () => {
  test('what the action uploads for the golden report passes, trimmed or not', () => {
    const prepared = prepareSarif(golden(), { category: 'multistage/production-backend' });
    const trimmed = prepareSarif(golden(), {
      category: 'multistage/x',
      limits: { resultsPerRun: 1, ruleTextChars: 20 },
    });
    expect(sarifErrors([prepared.sarif, trimmed.sarif])).toEqual([]);
  }, 60_000);
  test('and the validator does refuse what code scanning would refuse', () => {
    const errors = sarifErrors([
      { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' } }] }] },
    ]);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^upload-1\.sarif: GH1015: runs\[0\]\.results\[0\]: This 'result' object does not provide a 'locations' array/,
        ),
        expect.stringMatching(/^upload-1\.sarif: SARIF1010: /),
      ]),
    );
  }, 60_000);
});

describe('upload ref and 403 explanations', () => {
  const ctx = { ...readContext({}), sha: 'abc123', ref: 'refs/heads/main' };
  test.each([
    ['push', { ...ctx }, { ref: 'refs/heads/main', commitSha: 'abc123' }],
    [
      'workflow_dispatch on a tag',
      { ...ctx, ref: 'refs/tags/v1.2.0' },
      { ref: 'refs/tags/v1.2.0', commitSha: 'abc123' },
    ],
    [
      'pull_request',
      { ...ctx, ref: 'refs/pull/7/merge', sha: 'merge456' },
      { ref: 'refs/pull/7/merge', commitSha: 'merge456' },
    ],
    ['pull_request without GITHUB_REF', { ...ctx, ref: undefined }, { ref: 'refs/pull/9/merge', commitSha: 'abc123' }],
  ])('%s', (_name, context, expected) => {
    expect(uploadRef(context, { fromFork: false, dependabot: false, pullNumber: 9 })).toEqual(expected);
  });
  test.each([
    ['Resource not accessible by integration', { fromFork: true, dependabot: false }, 'pull request from a fork'],
    [
      'Resource not accessible by integration',
      { fromFork: false, dependabot: true },
      'Dependabot pull requests get a read-only token',
    ],
    [
      'Advanced Security must be enabled for this repository to use code scanning.',
      { fromFork: false, dependabot: false },
      'code scanning is not enabled',
    ],
    [
      'Code scanning is not enabled for this repository.',
      { fromFork: false, dependabot: false },
      'Settings → Code security',
    ],
    [
      'Resource not accessible by integration',
      { fromFork: false, dependabot: false },
      'permissions: security-events: write',
    ],
  ])('403 "%s"', (message, event, expected) => {
    expect(explainForbidden(message, event)).toContain(expected);
  });
});
