#!/usr/bin/env node
import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);
import {
  BOOLEAN_INPUTS,
  INPUT_NAMES,
  SEVERITIES_DESCENDING,
  execute,
  formatBytes,
  overallFailure,
  readContext,
  reportStop
} from "../chunks/chunk-7RGUEZ5D.js";
import {
  StateCleanup,
  createProcessRunner,
  inert,
  removeLeftovers,
  removeOnSignal,
  withoutControls
} from "../chunks/chunk-3CKKXKDI.js";
import "../chunks/chunk-BPNTP72B.js";
import "../chunks/chunk-G6MXF74R.js";
import "../chunks/chunk-2XF4TRXS.js";
import {
  errorMessage
} from "../chunks/chunk-TV5RVX4N.js";
import "../chunks/chunk-ZRO6CAG6.js";

// src/report/terminal.ts
var OUTCOME = { gate: "did not pass", tool: "tool failed", bug: "BUG", configuration: "input" };
function terminalTable(reports) {
  const header = ["target", "result", "size", "build", "cache", "tests", "smoke", "vulns C/H/M/L/U", "pushed"];
  const rows = reports.map((report) => [
    report.target,
    report.failure ? `FAILED (${report.failure.phase}: ${OUTCOME[report.failure.kind]})` : "passed",
    report.build ? formatBytes(report.build.sizeBytes) : "-",
    report.build ? `${report.build.seconds.toFixed(1)}s` : "-",
    report.build ? `${Math.round(report.build.cacheHitRatio * 100)}%` : "-",
    report.tests ? `${report.tests.totals.passed}/${report.tests.totals.total} passed` : "-",
    report.smoke ? `${report.smoke.status}${report.smoke.status === "passed" && report.smoke.seconds !== void 0 ? ` ${report.smoke.seconds.toFixed(1)}s` : ""}` : "-",
    report.scan?.counts ? SEVERITIES_DESCENDING.map((severity) => report.scan?.counts?.[severity]).join("/") : report.scan?.status ?? "-",
    report.pushed ? "yes" : "no"
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
  const out = [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
  for (const report of reports.filter((r) => r.failure)) out.push("", `${report.target}: ${report.failure?.message}`);
  return out.join("\n");
}

// src/cli.ts
var USAGE = `multistage-action: build, test, smoke-test and push multi-stage Dockerfile targets from the command line.

Usage: multistage-action --target <stage> [--<input> <value>]...

Flags are the action's inputs (see action.yml / README), e.g.
  --target production-backend --context examples/fullstack --port 3001
  --build-args "NODE_IMAGE=node:20-alpine"     (repeat a list flag to add entries)
  --test-target test-results --smoke-hardened --push=false
Boolean inputs take no value (--push) or one (--push=false). --verbose shows every command.`;
function parseCliArgs(argv) {
  const names = new Set(INPUT_NAMES);
  const values = {};
  let verbose = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (arg === "--verbose" || arg === "-v") {
      verbose = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m || !names.has(m[1])) {
      throw new Error(
        `unknown argument "${arg}"; the flags are the action's inputs: ${INPUT_NAMES.map((n) => `--${n}`).join(", ")}`
      );
    }
    const name = m[1];
    let value = m[2];
    if (value === void 0) {
      if (BOOLEAN_INPUTS.has(name) && (i + 1 >= argv.length || argv[i + 1].startsWith("--"))) value = "true";
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new Error(`--${name} needs a value`);
    }
    values[name] = values[name] !== void 0 && !BOOLEAN_INPUTS.has(name) ? `${values[name]}
${value}` : value;
  }
  return { values, verbose, help };
}
function terminalUi(verbose, onGitHub) {
  const write = (stream, text) => void stream.write(`${onGitHub ? inert(text) : withoutControls(text)}
`);
  return {
    info: (m) => write(process.stdout, m),
    debug: (m) => verbose && write(process.stderr, `debug: ${m}`),
    notice: (m) => write(process.stdout, `notice: ${m}`),
    warning: (m) => write(process.stderr, `warning: ${m}`),
    error: (m, p) => write(process.stderr, `error: ${p?.file ? `${p.file}${p.startLine ? `:${p.startLine}` : ""}: ` : ""}${m}`),
    group: async (name, fn) => {
      const started = Date.now();
      write(process.stdout, `
==> ${name}`);
      try {
        return await fn();
      } finally {
        write(process.stdout, `<== ${name} (${((Date.now() - started) / 1e3).toFixed(1)}s)`);
      }
    },
    secret: () => void 0
  };
}
async function main(argv) {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    process.stderr.write(`error: ${errorMessage(error)}

${USAGE}
`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}
`);
    return 0;
  }
  const ctx = readContext();
  const ui = terminalUi(args.verbose, ctx.onGitHub);
  process.env.RUNNER_TEMP ??= ctx.runnerTemp;
  process.env.RUNNER_TOOL_CACHE ??= ctx.toolCache;
  const cleanup = new StateCleanup(() => void 0);
  const runner = createProcessRunner((m) => ui.debug(m), cleanup);
  const run = runner.run;
  const stopListening = removeOnSignal(runner, cleanup, (m) => ui.warning(m));
  const read = (name) => args.values[name];
  try {
    const reports = await execute({
      read,
      ctx,
      outputDir: process.cwd(),
      run,
      ui,
      cleanup,
      setOutput: (name, value) => ui.debug(`output ${name}=${value}`),
      writeSummary: async () => void 0
    });
    ui.info(`
${terminalTable(reports)}`);
    return overallFailure(reports) ? 1 : 0;
  } catch (error) {
    ui.error(reportStop(error, ui));
    return 1;
  } finally {
    stopListening();
    await runner.endAll();
    await removeLeftovers(createProcessRunner((m) => ui.debug(m)).run, cleanup);
  }
}
process.exitCode = await main(process.argv.slice(2));
export {
  main,
  parseCliArgs
};
