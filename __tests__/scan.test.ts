import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  countBySeverity,
  gateFindings,
  parseTrivyReport,
  rankFindings,
  describeFinding,
  sarifSafeReport,
  TrivyReportError,
} from '../src/scan/report.js';
import { trivyConvertArgs, trivyScanArgs } from '../src/scan/trivy-args.js';
import { checksumFor, trivyAsset, versionFromOutput } from '../src/tools/install.js';
import { dbCacheKeys, restoreDb } from '../src/scan/db-cache.js';
import { dbIsCurrent } from '../src/scan/setup.js';
import { dbSources } from '../src/pipeline/setup.js';
import { SHARED_FIXTURES, trivyBin } from './helpers/servers.js';
import { sarifSchemaErrors } from './helpers/sarif-schema.js';

const golden = (name: string) => fs.readFileSync(path.join(SHARED_FIXTURES, 'trivy', name), 'utf8');

describe('a report the real Trivy 0.74 wrote here (recorded/trivy/fixture-rootfs.json, the command in its README)', () => {
  test('what the fixture DB says about the scanned rootfs: Alpine, npm and the JAR known by its SHA-1', () => {
    const findings = parseTrivyReport(golden('fixture-rootfs.json'));
    expect(countBySeverity(findings)).toEqual({ UNKNOWN: 0, LOW: 0, MEDIUM: 2, HIGH: 2, CRITICAL: 3 });
    expect(findings.map((f) => f.id).sort()).toEqual([
      'CVE-2021-23337',
      'CVE-2021-44228',
      'CVE-2021-44906',
      'CVE-2023-42363',
      'CVE-2023-42366',
      'CVE-2023-45853',
      'CVE-2025-26519',
    ]);
    expect(
      gateFindings(findings, ['CRITICAL'])
        .map((f) => f.id)
        .sort(),
    ).toEqual(['CVE-2021-44228', 'CVE-2021-44906', 'CVE-2023-45853']);
  });
});

describe("Trivy JSON reports (golden files from Trivy's own tests)", () => {
  test.each([
    ['alpine-310.json.golden', { UNKNOWN: 0, LOW: 0, MEDIUM: 4, HIGH: 0, CRITICAL: 0 }],
    ['alpine-39-high-critical.json.golden', { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 2 }],
    ['alpine-39-ignore-cveids.json.golden', { UNKNOWN: 0, LOW: 0, MEDIUM: 2, HIGH: 0, CRITICAL: 0 }],
    ['debian-buster-ignore-unfixed.json.golden', { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 1 }],
  ])('%s counts', (file, counts) => {
    expect(countBySeverity(parseTrivyReport(golden(file)))).toEqual(counts);
  });

  test('findings carry what the summary shows', () => {
    const findings = parseTrivyReport(golden('alpine-39-high-critical.json.golden'));
    expect(findings[0]).toMatchObject({
      id: 'CVE-2019-14697',
      severity: 'CRITICAL',
      fixed: '1.1.20-r5',
      url: expect.stringContaining('CVE-2019-14697'.toLowerCase()),
    });
    expect(describeFinding(findings[0])).toMatch(
      /^CVE-2019-14697 \(CRITICAL\) in musl\S* 1\.1\.20-r4, fixed in 1\.1\.20-r5$/,
    );
  });

  test('the gate picks the fail-on severities, most severe first', () => {
    const findings = [
      ...parseTrivyReport(golden('alpine-310.json.golden')),
      ...parseTrivyReport(golden('alpine-39-high-critical.json.golden')),
    ];
    expect(gateFindings(findings, ['CRITICAL']).map((f) => f.id)).toEqual(['CVE-2019-14697', 'CVE-2019-14697']);
    expect(gateFindings(findings, [])).toEqual([]);
    expect(rankFindings(findings)[0].severity).toBe('CRITICAL');
    expect(gateFindings(findings, ['MEDIUM', 'CRITICAL'])).toHaveLength(6);
  });

  test.each([
    ['', 'is not JSON'],
    ['\u0000 <html>', 'is not JSON'],
    ['{"SchemaVersion":1,"Results":[]}', 'is not a schema 2 JSON report'],
  ])('garbage %j is refused', (text, message) => {
    expect(() => parseTrivyReport(text)).toThrow(TrivyReportError);
    expect(() => parseTrivyReport(text)).toThrow(message);
  });

  test('an image without findings (Results null) is zero everywhere', () => {
    expect(countBySeverity(parseTrivyReport('{"SchemaVersion":2,"Results":null}'))).toEqual({
      UNKNOWN: 0,
      LOW: 0,
      MEDIUM: 0,
      HIGH: 0,
      CRITICAL: 0,
    });
  });
});

describe("dbIsCurrent: Trivy's own rule for leaving its DB alone (pkg/db NeedsUpdate)", () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  const hours = (h: number) => new Date(now + h * 3600_000).toISOString();
  test.each([
    ['no DB at all', undefined, false],
    ['NextUpdate to come', { Version: 2, NextUpdate: hours(5), DownloadedAt: hours(-7) }, true],
    [
      'NextUpdate passed, downloaded 30 minutes ago',
      { Version: 2, NextUpdate: hours(-1), DownloadedAt: hours(-0.5) },
      true,
    ],
    [
      'NextUpdate passed, downloaded 2 hours ago',
      { Version: 2, NextUpdate: hours(-1), DownloadedAt: hours(-2) },
      false,
    ],
    ['no DownloadedAt (copied in with oras)', { Version: 2, NextUpdate: hours(5) }, false],
    ['an old schema', { Version: 1, NextUpdate: hours(5), DownloadedAt: hours(-1) }, false],
  ])('%s: %s', (_name, meta, current) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-db-'));
    if (meta) {
      fs.mkdirSync(path.join(dir, 'db'));
      fs.writeFileSync(path.join(dir, 'db', 'trivy.db'), '');
      fs.writeFileSync(path.join(dir, 'db', 'metadata.json'), JSON.stringify(meta));
    }
    expect(dbIsCurrent(dir, now)).toBe(current);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('trivy argv', () => {
  test('one JSON scan of every severity, DB mirrors for fallback, exit code 0', () => {
    expect(
      trivyScanArgs({
        image: 'acme/shop:web',
        output: '/t/r.json',
        cacheDir: '/c',
        scanners: ['vuln'],
        ignoreUnfixed: true,
        ignoreFile: '/w/.trivyignore',
        skipDbUpdate: true,
        skipJavaDbUpdate: true,
        listAllPkgs: false,
      }),
    ).toEqual([
      'image',
      '--format',
      'json',
      '--output',
      '/t/r.json',
      '--severity',
      'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
      '--scanners',
      'vuln',
      '--cache-dir',
      '/c',
      '--cache-backend',
      'memory',
      '--exit-code',
      '0',
      '--no-progress',
      '--quiet',
      '--list-all-pkgs=false',
      '--skip-version-check',
      '--disable-telemetry',
      '--ignore-unfixed',
      '--ignorefile',
      '/w/.trivyignore',
      '--skip-db-update',
      '--skip-java-db-update',
      'acme/shop:web',
    ]);
  });
  test("DB repositories from the inputs, in order; none given: no flag, so Trivy's defaults and TRIVY_* apply", () => {
    const base = {
      image: 'acme/shop:web',
      output: '/t/r.json',
      cacheDir: '/c',
      scanners: ['vuln'],
      ignoreUnfixed: false,
      ignoreFile: '',
      skipDbUpdate: false,
      skipJavaDbUpdate: false,
      listAllPkgs: true,
    };
    const given = trivyScanArgs({
      ...base,
      dbRepositories: ['registry.corp/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'],
      javaDbRepositories: ['registry.corp/trivy-java-db:1'],
    });
    const flag = (args: string[], name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
    expect(flag(given, '--db-repository')).toBe('registry.corp/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2');
    expect(flag(given, '--java-db-repository')).toBe('registry.corp/trivy-java-db:1');
    expect(given.at(-1)).toBe('acme/shop:web');
    const none = trivyScanArgs({ ...base, dbRepositories: [], javaDbRepositories: [] });
    expect(none).not.toContain('--db-repository');
    expect(none).not.toContain('--java-db-repository');
    expect(none).toContain('--list-all-pkgs');
  });
  test('convert applies the reported severities', () => {
    expect(trivyConvertArgs('/t/r.json', '/t/r.sarif', ['HIGH', 'CRITICAL'])).toEqual([
      'convert',
      '--format',
      'sarif',
      '--severity',
      'HIGH,CRITICAL',
      '--output',
      '/t/r.sarif',
      '/t/r.json',
    ]);
  });
});

describe('install helpers', () => {
  test.each([
    ['linux', 'x64', 'trivy_0.74.0_Linux-64bit.tar.gz'],
    ['linux', 'arm64', 'trivy_0.74.0_Linux-ARM64.tar.gz'],
    ['darwin', 'arm64', 'trivy_0.74.0_macOS-ARM64.tar.gz'],
    ['darwin', 'x64', 'trivy_0.74.0_macOS-64bit.tar.gz'],
  ] as const)('%s/%s -> %s', (platform, arch, asset) => expect(trivyAsset('0.74.0', platform, arch)).toBe(asset));
  test('no release for windows', () =>
    expect(() => trivyAsset('0.74.0', 'win32', 'x64')).toThrow('no release for win32/x64'));
  test('checksums file lookup', () => {
    const file = `${'a'.repeat(64)}  trivy_0.74.0_Linux-64bit.tar.gz\n${'b'.repeat(64)}  trivy_0.74.0_Linux-64bit.deb\n`;
    expect(checksumFor(file, 'trivy_0.74.0_Linux-64bit.tar.gz')).toBe('a'.repeat(64));
    expect(checksumFor(file, 'trivy_0.74.0_Linux-ARM64.tar.gz')).toBeUndefined();
  });
  test('version output', () => {
    expect(versionFromOutput('Version: 0.74.0\nVulnerability DB:\n  Version: 2\n')).toBe('0.74.0');
    expect(versionFromOutput('Version: v0.58.1')).toBe('0.58.1');
    expect(versionFromOutput('nonsense')).toBeUndefined();
  });
});

describe('DB cache', () => {
  test('daily key with a prefix restore key', () => {
    expect(dbCacheKeys(new Date('2026-11-24T19:00:00Z'))).toEqual({
      key: 'multistage-trivy-db-default-2026-11-24',
      restoreKeys: ['multistage-trivy-db-default-'],
    });
  });

  test("a DB from other repositories is cached apart: never restored for Trivy's defaults nor for other mirrors", () => {
    const day = new Date('2026-11-24T19:00:00Z');
    const mirror = dbCacheKeys(day, ['registry.corp/trivy-db:2', '', 'registry.corp/trivy-java-db:1']);
    const other = dbCacheKeys(day, ['localhost:5000/trivy-db:2', '']);
    expect(mirror.key).toMatch(/^multistage-trivy-db-[0-9a-f]{12}-2026-11-24$/);
    expect(mirror.restoreKeys).toEqual([mirror.key.replace('2026-11-24', '')]);
    expect(other.key).not.toBe(mirror.key);
    // A restore key matches by prefix: neither source's prefix may reach the other's entries.
    const defaults = dbCacheKeys(day);
    expect(mirror.key.startsWith(defaults.restoreKeys[0])).toBe(false);
    expect(defaults.key.startsWith(mirror.restoreKeys[0])).toBe(false);
    expect(other.key.startsWith(mirror.restoreKeys[0])).toBe(false);
  });

  function fakeCache(hit: string | undefined, available = true) {
    const calls: string[] = [];
    return {
      calls,
      cache: {
        isFeatureAvailable: () => available,
        restoreCache: async (paths: string[], key: string, restore?: string[]) => {
          calls.push(`restore ${paths.join(',')} ${key} ${restore?.join(',')}`);
          return hit;
        },
        saveCache: async (paths: string[], key: string) => {
          calls.push(`save ${paths.join(',')} ${key}`);
          return 1;
        },
      },
    };
  }
  const now = new Date('2026-11-24T10:00:00Z');

  test("today's entry: fresh (no DB download), nothing saved", async () => {
    const { cache, calls } = fakeCache('multistage-trivy-db-default-2026-11-24');
    const db = await restoreDb(cache, '/c', now, () => undefined);
    expect(db.fresh).toBe(true);
    await db.save();
    expect(calls).toEqual([
      'restore /c/db,/c/java-db multistage-trivy-db-default-2026-11-24 multistage-trivy-db-default-',
    ]);
  });
  test("yesterday's entry: restored, updated by trivy, saved under today's key", async () => {
    const { cache, calls } = fakeCache('multistage-trivy-db-default-2026-11-23');
    const db = await restoreDb(cache, '/c', now, () => undefined);
    expect(db.fresh).toBe(false);
    await db.save();
    expect(calls[1]).toBe('save /c/db,/c/java-db multistage-trivy-db-default-2026-11-24');
  });
  test('a failing cache service never fails the scan', async () => {
    const logs: string[] = [];
    const db = await restoreDb(
      {
        isFeatureAvailable: () => true,
        restoreCache: async () => Promise.reject(new Error('503')),
        saveCache: async () => Promise.reject(new Error('quota')),
      },
      '/c',
      now,
      (m) => logs.push(m),
    );
    await db.save();
    expect(logs).toEqual([
      'Could not restore the Trivy DB from the Actions cache: 503',
      'Could not save the Trivy DB to the Actions cache: quota',
    ]);
  });
  test('a save the service refused (@actions/cache answers -1) is not called saved', async () => {
    const logs: string[] = [];
    const db = await restoreDb(
      { isFeatureAvailable: () => true, restoreCache: async () => undefined, saveCache: async () => -1 },
      '/c',
      now,
      (m) => logs.push(m),
    );
    await db.save();
    expect(logs).toEqual([
      'No cached Trivy DB yet; Trivy downloads it',
      'The Trivy DB was not saved to the Actions cache as multistage-trivy-db-default-2026-11-24; the next job downloads it again',
    ]);
  });
  test('no cache service: nothing to do', async () => {
    const { cache, calls } = fakeCache(undefined, false);
    await (await restoreDb(cache, '/c', now, () => undefined)).save();
    expect(calls).toEqual([]);
  });
});

describe("control characters in the image's file names and Trivy's SARIF writer", () => {
  // The real Trivy (scripts/build-trivy.sh) on a report Trivy's own tests recorded, its target renamed as an image
  // can name a file.
  const report = () => {
    const raw = JSON.parse(golden('alpine-310.json.golden')) as { Results: { Target: string }[] };
    raw.Results[0].Target = 'srv/evil\n::add-mask::PWNED\t/``` <h1>x.env';
    return JSON.stringify(raw);
  };
  const convert = (text: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-sarif-safe-'));
    fs.writeFileSync(path.join(dir, 'r.json'), text);
    const out = path.join(dir, 'r.sarif');
    const result = spawnSync(
      path.join(trivyBin(), 'trivy'),
      trivyConvertArgs(path.join(dir, 'r.json'), out, ['MEDIUM']),
      {
        encoding: 'utf8',
      },
    );
    const sarif = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: result.status, stderr: result.stderr, sarif };
  };

  test('Trivy 0.74 itself panics on such a path (so the action must not hand it one)', () => {
    const raw = convert(report());
    expect(raw.status).not.toBe(0);
    expect(raw.stderr).toContain('invalid control character in URL');
  });

  test('percent-encoded, the same findings convert to valid SARIF; a report without them is left as it is', () => {
    const safe = sarifSafeReport(report());
    expect(safe).toBeDefined();
    const converted = convert(safe as string);
    expect(converted.status).toBe(0);
    const sarif = JSON.parse(converted.sarif);
    expect(sarifSchemaErrors(sarif)).toBeNull();
    expect(sarif.runs[0].results).toHaveLength(4);
    expect(converted.sarif).toContain('srv/evil%0A::add-mask::PWNED%09/');
    expect(parseTrivyReport(safe as string)).toHaveLength(parseTrivyReport(report()).length);
    expect(sarifSafeReport(golden('alpine-310.json.golden'))).toBeUndefined();
  });
});

describe('where the DBs come from, for the cache key', () => {
  const none = { 'trivy-db-repository': [], 'trivy-java-db-repository': [] };
  test("nothing given, nothing in the environment: Trivy's defaults (the default key)", () => {
    expect(dbSources(none, {})).toEqual([]);
  });
  test('the inputs, else the TRIVY_* variables Trivy itself reads when no flag is passed', () => {
    expect(dbSources({ ...none, 'trivy-db-repository': ['registry.corp/trivy-db:2'] }, {})).toEqual([
      'registry.corp/trivy-db:2',
      '',
    ]);
    expect(
      dbSources(none, { TRIVY_DB_REPOSITORY: 'a.corp/db:2, b.corp/db:2', TRIVY_JAVA_DB_REPOSITORY: 'a.corp/java:1' }),
    ).toEqual(['a.corp/db:2', 'b.corp/db:2', '', 'a.corp/java:1']);
    // The input wins over the environment, as Trivy's flag does.
    expect(
      dbSources({ ...none, 'trivy-db-repository': ['x.corp/db:2'] }, { TRIVY_DB_REPOSITORY: 'a.corp/db:2' }),
    ).toEqual(['x.corp/db:2', '']);
  });
});
