import * as zlib from 'node:zlib';

/** GitHub's limits on an uploaded SARIF (docs: "SARIF results exceed limits"). */
export const LIMITS = {
  gzipBytes: 10 * 1024 * 1024,
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  locationsPerResult: 1_000,
  tagsPerRule: 20,
  /** Our own cap on each rule text (description, help): keeps a few huge advisories from filling the 10 MB. */
  ruleTextChars: 8_000,
};

type Json = Record<string, unknown>;

export interface SarifLog {
  version: string;
  $schema?: string;
  runs: SarifRun[];
}

export interface SarifRun extends Json {
  tool: { driver: { name: string; rules?: Json[] } & Json };
  results?: Json[];
  automationDetails?: { id?: string } & Json;
}

export interface PrepareOptions {
  category: string;
  limits?: Partial<typeof LIMITS>;
}

export interface PreparedSarif {
  sarif: SarifLog;
  /** gzip of the JSON, the bytes the API receives (base64). */
  gzipped: Buffer;
  resultCount: number;
  warnings: string[];
}

/** The category as code scanning stores it: `automationDetails.id` ends with "/" (one analysis per category). */
export function automationId(category: string): string {
  return category.endsWith('/') ? category : `${category}/`;
}

function severityScore(result: Json, rules: Map<string, Json>): number {
  const rule = rules.get(String(result.ruleId));
  const score = Number((rule?.properties as Json | undefined)?.['security-severity']);
  if (!Number.isNaN(score)) return score;
  return { error: 7, warning: 4, note: 1 }[String(result.level)] ?? 0;
}

function truncateText(holder: unknown, field: string, max: number): boolean {
  if (!holder || typeof holder !== 'object') return false;
  const record = holder as Json;
  const text = record[field];
  if (typeof text === 'string' && text.length > max) {
    record[field] = `${text.slice(0, max - 1)}…`;
    return true;
  }
  return false;
}

/**
 * Make a SARIF log fit what code scanning accepts, before sending it: category on every run, results over the
 * limit dropped lowest severity first, locations and tags trimmed, long rule texts cut, and if the gzip is still
 * over 10 MB, rule help dropped and then results halved (lowest severity first). Every trim is a warning;
 * nothing is left for GitHub to reject.
 */
export function prepareSarif(input: SarifLog, options: PrepareOptions): PreparedSarif {
  const limits = { ...LIMITS, ...options.limits };
  const sarif = structuredClone(input);
  const warnings: string[] = [];
  if (!Array.isArray(sarif.runs) || sarif.runs.length === 0) throw new Error('the SARIF log has no runs');
  if (sarif.runs.length > 1)
    warnings.push(`the SARIF has ${sarif.runs.length} runs; each is tagged with category ${options.category}`);

  for (const run of sarif.runs) {
    run.automationDetails = { ...(run.automationDetails ?? {}), id: automationId(options.category) };
    const rules = run.tool.driver.rules ?? [];
    const byId = new Map(rules.map((r) => [String(r.id), r]));
    let results = run.results ?? [];
    if (results.length > limits.resultsPerRun) {
      results = [...results]
        .sort((a, b) => severityScore(b, byId) - severityScore(a, byId))
        .slice(0, limits.resultsPerRun);
      warnings.push(
        `kept the ${limits.resultsPerRun} most severe of ${run.results?.length} results (GitHub's limit per run)`,
      );
    }
    let trimmedLocations = 0;
    for (const result of results) {
      const locations = result.locations as unknown[] | undefined;
      if (Array.isArray(locations) && locations.length > limits.locationsPerResult) {
        result.locations = locations.slice(0, limits.locationsPerResult);
        trimmedLocations++;
      }
    }
    if (trimmedLocations)
      warnings.push(`trimmed the locations of ${trimmedLocations} results to ${limits.locationsPerResult} each`);
    if (rules.length > limits.rulesPerRun) {
      const used = new Set(results.map((r) => String(r.ruleId)));
      run.tool.driver.rules = rules.filter((r) => used.has(String(r.id))).slice(0, limits.rulesPerRun);
      warnings.push(`kept ${run.tool.driver.rules.length} of ${rules.length} rules (GitHub's limit per run)`);
    }
    let cut = 0;
    for (const rule of run.tool.driver.rules ?? []) {
      for (const [holder, field] of [
        [rule.fullDescription, 'text'],
        [rule.shortDescription, 'text'],
        [rule.help, 'text'],
        [rule.help, 'markdown'],
      ] as const) {
        if (truncateText(holder, field, limits.ruleTextChars)) cut++;
      }
      const props = rule.properties as Json | undefined;
      if (Array.isArray(props?.tags) && props.tags.length > limits.tagsPerRule)
        props.tags = props.tags.slice(0, limits.tagsPerRule);
    }
    if (cut) warnings.push(`cut ${cut} rule texts to ${limits.ruleTextChars} characters`);
    run.results = results;
  }

  let gzipped = zlib.gzipSync(JSON.stringify(sarif));
  if (gzipped.length > limits.gzipBytes) {
    for (const run of sarif.runs) for (const rule of run.tool.driver.rules ?? []) delete rule.help;
    gzipped = zlib.gzipSync(JSON.stringify(sarif));
    warnings.push(`dropped the rules' help texts to fit GitHub's ${limits.gzipBytes / 1024 / 1024} MB gzip limit`);
  }
  while (gzipped.length > limits.gzipBytes) {
    let dropped = 0;
    for (const run of sarif.runs) {
      const byId = new Map((run.tool.driver.rules ?? []).map((r) => [String(r.id), r]));
      const results = [...(run.results ?? [])].sort((a, b) => severityScore(b, byId) - severityScore(a, byId));
      const keep = Math.floor(results.length / 2);
      dropped += results.length - keep;
      run.results = results.slice(0, keep);
    }
    if (dropped === 0) throw new Error(`the SARIF log is over ${limits.gzipBytes} bytes gzipped even without results`);
    gzipped = zlib.gzipSync(JSON.stringify(sarif));
    warnings.push(`dropped the ${dropped} least severe results to fit GitHub's gzip limit`);
  }
  const resultCount = sarif.runs.reduce((n, run) => n + (run.results?.length ?? 0), 0);
  return { sarif, gzipped, resultCount, warnings };
}
