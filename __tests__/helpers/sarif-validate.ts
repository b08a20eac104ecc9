import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

/**
 * Microsoft's SARIF Multitool (`@microsoft/sarif-multitool`, the validator GitHub points to) with GitHub's own
 * code-scanning ingestion rules (`--rule-kind "Sarif;Ghas"`, GH1001-GH2012). It exits 0 even when it finds errors,
 * so its own SARIF output is read: every result at level `error` is returned as a line. SARIF2006 (URIs should be
 * reachable) is turned off: it fetches every URL in the log and these machines have no network.
 */
const require = createRequire(import.meta.url);
const TOOL = path.join(
  path.dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json')),
  'Sarif.Multitool',
);
const POLICY = path.resolve(import.meta.dirname, '..', 'fixtures', 'sarif', 'validation.xml');

interface ValidationResult {
  ruleId: string;
  ruleIndex?: number;
  level?: string;
  message: { text?: string; id?: string; arguments?: string[] };
  locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[];
}

interface ValidationLog {
  runs: {
    tool: { driver: { rules?: { id: string; messageStrings?: Record<string, { text: string }> }[] } };
    results?: ValidationResult[];
  }[];
}

function text(result: ValidationResult, log: ValidationLog): string {
  if (result.message.text) return result.message.text;
  const rule = log.runs[0].tool.driver.rules?.find((r) => r.id === result.ruleId);
  const template = (result.message.id && rule?.messageStrings?.[result.message.id]?.text) || result.message.id || '';
  return template.replace(/\{(\d+)\}/g, (_m, i: string) => result.message.arguments?.[Number(i)] ?? '');
}

/** Validate SARIF logs (JSON values or files); returns one line per error, empty when every log passes. */
export function sarifErrors(logs: readonly unknown[]): string[] {
  if (logs.length === 0) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-sarif-validate-'));
  try {
    const files = logs.map((log, i) => {
      const file = path.join(dir, `upload-${i + 1}.sarif`);
      fs.writeFileSync(file, typeof log === 'string' ? log : JSON.stringify(log, null, 2));
      return file;
    });
    const output = path.join(dir, 'validation.sarif');
    execFileSync(
      TOOL,
      [
        'validate',
        ...files,
        '--rule-kind',
        'Sarif;Ghas',
        '--config',
        POLICY,
        '--output',
        output,
        '--log',
        'ForceOverwrite',
        '--quiet',
      ],
      { stdio: 'pipe' },
    );
    const log = JSON.parse(fs.readFileSync(output, 'utf8')) as ValidationLog;
    return (log.runs[0].results ?? [])
      .filter((r) => r.level === 'error')
      .map((r) => {
        const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
        return `${path.basename(uri)}: ${r.ruleId}: ${text(r, log)}`;
      });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
