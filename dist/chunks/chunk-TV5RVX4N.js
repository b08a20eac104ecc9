import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);

// src/phases.ts
var PHASE_NAMES = {
  test: "test stage",
  build: "build",
  smoke: "smoke test",
  scan: "scan",
  upload: "SARIF upload",
  push: "push"
};

// src/errors.ts
var ConfigurationError = class extends Error {
  constructor(input, detail, source = "input") {
    super(`${source === "input" ? "Input" : "Environment variable"} "${input}": ${detail}`);
    this.input = input;
    this.source = source;
  }
  input;
  source;
  name = "ConfigurationError";
};
var GateFailure = class extends Error {
  constructor(gate, message, options) {
    super(message, options);
    this.gate = gate;
  }
  gate;
  name = "GateFailure";
};
var ToolError = class extends Error {
  constructor(tool, message, options) {
    super(message, options);
    this.tool = tool;
  }
  tool;
  name = "ToolError";
};
var CommandError = class extends ToolError {
  constructor(command, args, exitCode, stderr, stdout = "", options) {
    const tail = lastLines(stderr || stdout, 15);
    super(
      command.split("/").at(-1) ?? command,
      `${describeCommand(command, args)} failed with exit code ${exitCode}${tail ? `:
${tail}` : ""}`,
      options
    );
    this.command = command;
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.stdout = stdout;
  }
  command;
  args;
  exitCode;
  stderr;
  stdout;
  name = "CommandError";
};
function describeCommand(command, args) {
  const words = [command];
  for (const arg of args) {
    if (arg.startsWith("-") || words.length >= 3) break;
    words.push(arg);
  }
  return words.join(" ");
}
function lastLines(text, count) {
  return text.trimEnd().split("\n").slice(-count).map((line) => line.length > 1e3 ? `${line.slice(0, 1e3)}\u2026` : line).join("\n");
}
function errorMessage(error) {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
function failureKind(error) {
  if (error instanceof ConfigurationError) return "configuration";
  if (error instanceof GateFailure) return "gate";
  if (error instanceof ToolError) return "tool";
  return "bug";
}
var BUG_REPORT_HINT = "this is not your image or your inputs: please report it to multistage-action with the stack printed in the log";
function failureMessage(kind, phase, target, detail) {
  const where = `the ${PHASE_NAMES[phase]} of ${target}`;
  switch (kind) {
    case "configuration":
      return detail;
    case "gate":
      return `${capitalize(where)} did not pass: ${detail}`;
    case "tool":
      return `A tool failed in ${where}: ${detail}`;
    case "bug":
      return `Bug in multistage-action in ${where}: ${detail} (${BUG_REPORT_HINT})`;
  }
}
function failureFrom(error, phase, target) {
  const kind = failureKind(error);
  const detail = kind === "bug" && error instanceof Error ? `${error.name}: ${error.message}` : errorMessage(error);
  return {
    kind,
    phase: error instanceof GateFailure ? error.gate : phase,
    message: failureMessage(kind, error instanceof GateFailure ? error.gate : phase, target, detail)
  };
}
function capitalize(text) {
  return `${text[0].toUpperCase()}${text.slice(1)}`;
}
async function settled(work) {
  try {
    return { value: await work };
  } catch (error) {
    return { error };
  }
}

export {
  ConfigurationError,
  GateFailure,
  ToolError,
  CommandError,
  lastLines,
  errorMessage,
  failureKind,
  BUG_REPORT_HINT,
  failureMessage,
  failureFrom,
  settled
};
