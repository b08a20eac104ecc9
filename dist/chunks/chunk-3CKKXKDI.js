import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);
import {
  core_exports,
  debug,
  endGroup,
  setSecret,
  startGroup
} from "./chunk-G6MXF74R.js";
import {
  CommandError,
  errorMessage
} from "./chunk-TV5RVX4N.js";

// src/exec.ts
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
var MAX_CAPTURE_BYTES = 32 * 1024 * 1024;
var TAIL_BYTES = 64 * 1024;
var MAX_LINE_CHARS = 64 * 1024;
var KILL_GRACE_MS = 2e3;
function processStart(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return void 0;
    const start = Number(fields[19]);
    return Number.isSafeInteger(start) ? start : void 0;
  } catch {
    return void 0;
  }
}
function isSameProcess(record) {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  if (record.start === void 0) return false;
  return processStart(record.pid) === record.start;
}
function alive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
async function endProcessGroup(pid, graceMs = KILL_GRACE_MS) {
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
  }
}
var CAPTURE_LIMITS = {
  maxCaptureBytes: MAX_CAPTURE_BYTES,
  tailBytes: TAIL_BYTES,
  maxLineChars: MAX_LINE_CHARS
};
var Capture = class {
  constructor(limits) {
    this.limits = limits;
  }
  limits;
  head = [];
  headBytes = 0;
  tail = Buffer.alloc(0);
  dropped = 0;
  push(chunk) {
    if (this.headBytes < this.limits.maxCaptureBytes) {
      const room = this.limits.maxCaptureBytes - this.headBytes;
      this.head.push(chunk.subarray(0, room));
      this.headBytes += Math.min(room, chunk.length);
      chunk = chunk.subarray(room);
      if (chunk.length === 0) return;
    }
    const joined = Buffer.concat([this.tail, chunk]);
    this.dropped += Math.max(0, joined.length - this.limits.tailBytes);
    this.tail = joined.subarray(Math.max(0, joined.length - this.limits.tailBytes));
  }
  text() {
    const head = Buffer.concat(this.head).toString("utf8");
    if (this.tail.length === 0) return head;
    const gap = this.dropped > 0 ? `
[... ${this.dropped} bytes left out ...]
` : "";
    return `${head}${gap}${this.tail.toString("utf8")}`;
  }
};
var LineSplitter = class {
  constructor(emit, maxLineChars) {
    this.emit = emit;
    this.maxLineChars = maxLineChars;
  }
  emit;
  maxLineChars;
  decoder = new StringDecoder("utf8");
  pending = "";
  push(chunk) {
    this.pending += this.decoder.write(chunk);
    let newline;
    while ((newline = this.pending.indexOf("\n")) >= 0) {
      this.emit(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
    }
    while (this.pending.length > this.maxLineChars) {
      this.emit(this.pending.slice(0, this.maxLineChars));
      this.pending = this.pending.slice(this.maxLineChars);
    }
  }
  end() {
    this.pending += this.decoder.end();
    if (this.pending) this.emit(this.pending);
    this.pending = "";
  }
};
var CancelledError = class extends Error {
  name = "CancelledError";
};
function createProcessRunner(debug2, recorder, limits = CAPTURE_LIMITS) {
  const running = /* @__PURE__ */ new Set();
  let stopped = false;
  const run = (command, args, options = {}) => new Promise((resolve, reject) => {
    if (stopped) {
      reject(new CancelledError(`not started, the run is being cancelled: ${command} ${args.slice(0, 2).join(" ")}`));
      return;
    }
    debug2(`exec: ${JSON.stringify([command, ...args])}`);
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      // Always the action's own environment (as it is now), plus what the caller adds.
      env: { ...process.env, ...options.env },
      stdio: [options.input === void 0 ? "ignore" : "pipe", "pipe", "pipe"],
      detached: true,
      shell: false,
      windowsHide: true
    });
    const pid = child.pid;
    if (pid !== void 0) {
      running.add(pid);
      recorder?.addProcess({ pid, start: processStart(pid) });
    }
    const out = new Capture(limits);
    const err = new Capture(limits);
    const onLine = options.onLine;
    const outLines = onLine ? new LineSplitter((line) => onLine(line, "stdout"), limits.maxLineChars) : void 0;
    const errLines = onLine ? new LineSplitter((line) => onLine(line, "stderr"), limits.maxLineChars) : void 0;
    let outputFailed;
    const output = options.output;
    const outputDone = output ? finished(output).catch((error) => {
      outputFailed = error instanceof Error ? error : new Error(String(error));
      child.stdout?.unpipe(output);
      child.stdout?.resume();
      if (pid !== void 0) void endProcessGroup(pid, 500);
    }) : Promise.resolve();
    if (output && child.stdout) child.stdout.pipe(output);
    else
      child.stdout?.on("data", (chunk) => {
        out.push(chunk);
        outLines?.push(chunk);
      });
    child.stderr?.on("data", (chunk) => {
      err.push(chunk);
      errLines?.push(chunk);
    });
    let inputFailed;
    if (options.input !== void 0 && child.stdin) {
      child.stdin.on("error", () => void 0);
      const input = options.input;
      if (input instanceof Readable) {
        input.on("error", (error) => {
          inputFailed = error;
          child.stdin?.destroy();
        });
        input.pipe(child.stdin);
      } else {
        child.stdin.end(input);
      }
    }
    let failedToStart;
    child.on("error", (error) => {
      failedToStart = error;
    });
    let timedOut = false;
    const timer = options.timeoutMs !== void 0 && pid !== void 0 ? setTimeout(() => {
      timedOut = true;
      void endProcessGroup(pid, 500);
    }, options.timeoutMs) : void 0;
    child.on("close", (code, signal) => void outputDone.then(() => closed(code, signal)));
    const closed = (code, signal) => {
      if (timer) clearTimeout(timer);
      if (pid !== void 0) {
        running.delete(pid);
        recorder?.removeProcess(pid);
      }
      outLines?.end();
      errLines?.end();
      if (failedToStart) {
        reject(new CommandError(command, args, 127, failedToStart.message, "", { cause: failedToStart }));
        return;
      }
      if (outputFailed) {
        const message = `its output could not be read: ${outputFailed.message}`;
        reject(new CommandError(command, args, code ?? 1, `${err.text()}
${message}`, "", { cause: outputFailed }));
        return;
      }
      if (inputFailed) {
        const message = `its input could not be written: ${inputFailed.message}`;
        reject(
          new CommandError(command, args, code ?? 1, `${err.text()}
${message}`, out.text(), { cause: inputFailed })
        );
        return;
      }
      const result = {
        exitCode: code ?? 128 + signalNumber(signal),
        stdout: out.text(),
        stderr: err.text(),
        ...timedOut ? { timedOut } : {}
      };
      if (result.exitCode !== 0 && !options.allowFailure) {
        reject(new CommandError(command, args, result.exitCode, result.stderr, result.stdout));
        return;
      }
      resolve(result);
    };
  });
  return {
    run,
    endAll: async (graceMs) => {
      stopped = true;
      await Promise.all([...running].map((pid) => endProcessGroup(pid, graceMs)));
    }
  };
}
function signalNumber(signal) {
  const numbers = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return signal && numbers[signal] || 1;
}

// src/untrusted.ts
import { randomBytes } from "node:crypto";
function couldBeCommand(text) {
  return text.includes("::") || text.includes("##[");
}
function stopToken() {
  return `msa-${randomBytes(16).toString("hex")}`;
}
function inert(text, token = stopToken) {
  if (!couldBeCommand(text)) return text;
  const t = token();
  return `::stop-commands::${t}
${text}
::${t}::`;
}
var CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;
function withoutControls(text) {
  return text.replace(CONTROL, "\uFFFD");
}
function clip(text, max) {
  return text.length <= max ? text : `${text.slice(0, max)}\u2026 (${text.length - max} more characters)`;
}
function longestRun(text, char) {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}
function mdCode(text, options = {}) {
  let body = withoutControls(clip(text, options.max ?? 500)).replace(/\r\n|\r|\n/g, " \u23CE ").replace(/\t/g, " ");
  if (body.trim() === "") return "";
  if (options.inTable) body = body.replace(/\|/g, "\\|");
  const fence = "`".repeat(longestRun(body, "`") + 1);
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}
function mdCodeBlock(text, options = {}) {
  const body = withoutControls(clip(text, options.max ?? 2e4)).replace(/\r\n|\r/g, "\n");
  const fence = "`".repeat(Math.max(3, longestRun(body, "`") + 1));
  return `${fence}${options.info ?? "text"}
${body}
${fence}`;
}
function htmlText(text, max = 200) {
  return withoutControls(clip(text, max)).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/[\r\n]+/g, " ");
}
function mdText(text, max = 1e3) {
  return withoutControls(clip(text, max)).replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/[\r\n]+/g, " ");
}
function mdLink(label, url, inTable = false) {
  const code = mdCode(label, { max: 120, inTable });
  if (!url || !/^https:\/\/[A-Za-z0-9.-]+(?:\/[A-Za-z0-9._~%/+:@=&?#-]*)?$/.test(url) || url.length > 500) return code;
  return `[${code}](${url})`;
}

// src/state.ts
var STATE_CONTAINERS = "containers";
var STATE_TEMP_DIRS = "tempDirs";
var STATE_PROCESSES = "processes";
var StateCleanup = class {
  /** `save` mirrors a list into the step's state (core.saveState on GitHub; nothing on the command line). */
  constructor(save) {
    this.save = save;
  }
  save;
  containers = /* @__PURE__ */ new Set();
  tempDirs = /* @__PURE__ */ new Set();
  processes = /* @__PURE__ */ new Map();
  addContainer(id) {
    this.containers.add(id);
    this.save(STATE_CONTAINERS, JSON.stringify([...this.containers]));
  }
  removeContainer(id) {
    this.containers.delete(id);
    this.save(STATE_CONTAINERS, JSON.stringify([...this.containers]));
  }
  addTempDir(dir) {
    this.tempDirs.add(dir);
    this.save(STATE_TEMP_DIRS, JSON.stringify([...this.tempDirs]));
  }
  addProcess(record) {
    this.processes.set(record.pid, record);
    this.save(STATE_PROCESSES, JSON.stringify([...this.processes.values()]));
  }
  removeProcess(pid) {
    this.processes.delete(pid);
    this.save(STATE_PROCESSES, JSON.stringify([...this.processes.values()]));
  }
};
function readStateList(name, isItem, read, warn = () => void 0) {
  const raw = read(name);
  if (!raw) return [];
  try {
    const value = JSON.parse(raw);
    if (Array.isArray(value)) return value.filter(isItem);
    warn(`The saved state "${name}" is not a list; nothing of it is cleaned up`);
  } catch (error) {
    warn(`The saved state "${name}" is not JSON (${error.message}); nothing of it is cleaned up`);
  }
  return [];
}
var isString = (value) => typeof value === "string";
var isProcessRecord = (value) => typeof value === "object" && value !== null && Number.isSafeInteger(value.pid) && value.pid > 1 && (value.start === void 0 || Number.isSafeInteger(value.start));

// src/cancel.ts
import * as fs2 from "node:fs";

// src/docker/container.ts
function conditionFrom(state) {
  if (!state.Running && ["exited", "dead"].includes(state.Status)) {
    return { state: "exited", exitCode: state.ExitCode, oomKilled: state.OOMKilled };
  }
  if (state.Restarting || state.Status === "restarting") return { state: "restarting", exitCode: state.ExitCode };
  const health = state.Health?.Status;
  return {
    state: "running",
    health: health === "starting" || health === "healthy" || health === "unhealthy" ? health : "none"
  };
}
async function containerState(run, name) {
  const { stdout } = await run("docker", ["container", "inspect", "--format", "{{json .State}}", name]);
  return JSON.parse(stdout);
}
function healthcheckArgv(config) {
  const test = config?.Test ?? [];
  if (test.length < 2) return void 0;
  if (test[0] === "CMD") return test.slice(1);
  if (test[0] === "CMD-SHELL") return ["/bin/sh", "-c", test[1]];
  return void 0;
}
async function containerHealthcheck(run, name) {
  const { stdout } = await run("docker", ["container", "inspect", "--format", "{{json .Config.Healthcheck}}", name]);
  return JSON.parse(stdout);
}
async function lastHealthcheckOutput(run, name) {
  try {
    const log = (await containerState(run, name)).Health?.Log ?? [];
    const last = log.at(-1);
    return last ? `exit code ${last.ExitCode}: ${clip(last.Output.trim(), 2e3) || "(no output)"}` : void 0;
  } catch {
    return void 0;
  }
}
var MAX_LOG_LINE_CHARS = 2e3;
async function containerLogs(run, name, lines) {
  const result = await run("docker", ["logs", "--tail", String(lines), name], { allowFailure: true });
  return [result.stdout, result.stderr].filter((s) => s.trim() !== "").join("\n").trimEnd().split("\n").slice(-lines * 2).map((line) => clip(line, MAX_LOG_LINE_CHARS)).join("\n");
}
async function removeContainer(run, name) {
  const result = await run("docker", ["rm", "--force", "--volumes", name], { allowFailure: true });
  return result.exitCode === 0 || /No such container/i.test(result.stderr);
}
function httpProbe(url) {
  return async (timeoutMs) => {
    const http = await import("node:http");
    return new Promise((resolve) => {
      const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
        response.destroy();
        resolve({ status: response.statusCode ?? 0 });
      });
      request.on("timeout", () => {
        request.destroy();
        resolve({ error: `did not answer within ${timeoutMs} ms` });
      });
      request.on("error", (error) => {
        resolve({
          error: error.code === "ECONNREFUSED" ? "refused the connection" : error.code === "ECONNRESET" ? "reset the connection" : error.message
        });
      });
    });
  };
}

// src/ui.ts
var ANNOTATION_BUDGET = { error: 9, warning: 10, notice: 10 };
function maskedValues(value) {
  const values = /* @__PURE__ */ new Set();
  if (value.trim() !== "") values.add(value);
  for (const line of value.split(/\r\n|\r|\n/)) {
    if (line.trim().length >= 4) values.add(line);
  }
  return [...values];
}
var ActionsUi = class {
  constructor(write = (text) => void process.stdout.write(text), budget = ANNOTATION_BUDGET) {
    this.write = write;
    this.budget = budget;
  }
  write;
  budget;
  used = { error: 0, warning: 0, notice: 0 };
  leftOut = { error: 0, warning: 0, notice: 0 };
  info(message) {
    this.write(`${inert(message)}
`);
  }
  debug(message) {
    debug(message);
  }
  annotate(kind, message, props) {
    if (this.used[kind] < this.budget[kind]) {
      this.used[kind]++;
      core_exports[kind](message, props);
      return;
    }
    this.leftOut[kind]++;
    const where = props?.file ? ` (${props.file}${props.startLine ? `:${props.startLine}` : ""})` : "";
    const label = { error: "Error", warning: "Warning", notice: "Notice" }[kind];
    this.info(`${label}${where}: ${props?.title ? `${props.title}: ` : ""}${message}`);
  }
  notice(message, props) {
    this.annotate("notice", message, props);
  }
  warning(message, props) {
    this.annotate("warning", message, props);
  }
  error(message, props) {
    this.annotate("error", message, props);
  }
  async group(name, fn) {
    startGroup(name);
    try {
      return await fn();
    } finally {
      endGroup();
    }
  }
  secret(value) {
    for (const masked of maskedValues(value)) setSecret(masked);
  }
  /** One line for the annotations GitHub would not have shown, or undefined when every one was annotated. */
  leftOutNote() {
    const parts = Object.keys(this.leftOut).filter((kind) => this.leftOut[kind] > 0).map((kind) => `${this.leftOut[kind]} ${kind}${this.leftOut[kind] === 1 ? "" : "s"}`);
    if (parts.length === 0) return void 0;
    return `${parts.join(", ")} more than GitHub shows as annotations (10 of each kind per step) are printed as log lines above and listed in the job summary`;
  }
};
function bufferedUi(target) {
  const held = [];
  return {
    info: (m) => void held.push(() => target.info(m)),
    debug: (m) => void held.push(() => target.debug(m)),
    notice: (m, p) => void held.push(() => target.notice(m, p)),
    warning: (m, p) => void held.push(() => target.warning(m, p)),
    error: (m, p) => void held.push(() => target.error(m, p)),
    // One level of groups is all a log shows; a group inside a held phase is just its lines.
    group: (_name, fn) => fn(),
    secret: (v) => target.secret(v),
    replay: () => {
      for (const say of held.splice(0)) say();
    }
  };
}
var untold = /* @__PURE__ */ new Set();
async function tellUntold() {
  for (const held of [...untold]) await held.tell();
}
function heldUi(target) {
  const entries = [];
  let current = entries;
  let told = false;
  const hold = (say) => told ? say(target) : void current.push({ say });
  const tellAll = async (list) => {
    for (const entry of list) {
      if ("say" in entry) entry.say(target);
      else await target.group(entry.group, () => tellAll(entry.entries));
    }
  };
  const held = {
    info: (m) => hold((ui) => ui.info(m)),
    debug: (m) => hold((ui) => ui.debug(m)),
    notice: (m, p) => hold((ui) => ui.notice(m, p)),
    warning: (m, p) => hold((ui) => ui.warning(m, p)),
    error: (m, p) => hold((ui) => ui.error(m, p)),
    group: async (name, fn) => {
      if (told) return target.group(name, fn);
      const group = { group: name, entries: [] };
      current.push(group);
      const outer = current;
      current = group.entries;
      try {
        return await fn();
      } finally {
        current = outer;
      }
    },
    secret: (v) => target.secret(v),
    tell: async () => {
      untold.delete(held);
      told = true;
      await tellAll(entries.splice(0));
    }
  };
  untold.add(held);
  return held;
}

// src/cancel.ts
async function removeLeftovers(run, leftovers) {
  const failed = [];
  for (const name of [...leftovers.containers]) {
    const removed = await removeContainer(run, name).catch((error) => errorMessage(error));
    if (removed !== true) failed.push(`container ${name}${typeof removed === "string" ? ` (${removed})` : ""}`);
  }
  for (const dir of [...leftovers.tempDirs]) {
    try {
      fs2.rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      failed.push(`${dir} (${errorMessage(error)})`);
    }
  }
  return failed;
}
function removeOnSignal(runner, leftovers, say) {
  let cleaning = false;
  const handler = (signal) => {
    if (cleaning) return;
    cleaning = true;
    say(`${signal}: cancelled; ending the processes and removing what this run started`);
    void (async () => {
      await runner.endAll();
      await tellUntold().catch(() => void 0);
      const failed = await removeLeftovers(createProcessRunner(() => void 0).run, leftovers);
      for (const item of failed) say(`Could not remove ${item}`);
    })().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return () => {
    process.off("SIGTERM", handler);
    process.off("SIGINT", handler);
  };
}

export {
  isSameProcess,
  endProcessGroup,
  createProcessRunner,
  inert,
  withoutControls,
  clip,
  mdCode,
  mdCodeBlock,
  htmlText,
  mdText,
  mdLink,
  ActionsUi,
  bufferedUi,
  heldUi,
  STATE_CONTAINERS,
  STATE_TEMP_DIRS,
  STATE_PROCESSES,
  StateCleanup,
  readStateList,
  isString,
  isProcessRecord,
  conditionFrom,
  containerState,
  healthcheckArgv,
  containerHealthcheck,
  lastHealthcheckOutput,
  containerLogs,
  removeContainer,
  httpProbe,
  removeLeftovers,
  removeOnSignal
};
