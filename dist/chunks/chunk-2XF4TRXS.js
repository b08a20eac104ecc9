import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);
import {
  CommandError,
  GateFailure,
  ToolError
} from "./chunk-TV5RVX4N.js";

// src/safe-fs.ts
import * as fs from "node:fs";
import * as path from "node:path";
var WALK_LIMITS = { maxEntries: 1e5, maxDepth: 64 };
var ExportLimitError = class extends Error {
  name = "ExportLimitError";
};
function kindOf(stat) {
  if (stat.isSymbolicLink()) return "symbolic link";
  if (stat.isFIFO()) return "FIFO";
  if (stat.isSocket()) return "socket";
  if (stat.isBlockDevice()) return "block device";
  if (stat.isCharacterDevice()) return "character device";
  return "unknown";
}
function walkNoFollow(root, limits = WALK_LIMITS) {
  const files = [];
  const skipped = [];
  let entries = 0;
  const pending = [{ rel: "", depth: 0 }];
  while (pending.length > 0) {
    const { rel, depth } = pending.pop();
    let names;
    try {
      names = fs.readdirSync(path.join(root, rel));
    } catch {
      skipped.push({ path: rel || ".", kind: "unreadable folder" });
      continue;
    }
    for (const name of names) {
      entries++;
      if (entries > limits.maxEntries) {
        throw new ExportLimitError(`it holds more than ${limits.maxEntries} entries (the limit)`);
      }
      const child = rel ? `${rel}/${name}` : name;
      const stat = fs.lstatSync(path.join(root, child));
      if (stat.isDirectory()) {
        if (depth + 1 > limits.maxDepth) {
          throw new ExportLimitError(`${child} is nested deeper than ${limits.maxDepth} folders (the limit)`);
        }
        pending.push({ rel: child, depth: depth + 1 });
      } else if (stat.isFile()) {
        files.push({ path: child, size: stat.size });
      } else {
        skipped.push({ path: child, kind: kindOf(stat) });
      }
    }
  }
  const byPath = (a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  return { files: files.sort(byPath), skipped: skipped.sort(byPath) };
}
function openRegular(file) {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  try {
    if (!fs.fstatSync(fd).isFile()) throw new Error(`${file} is not a regular file`);
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  return fd;
}
function readRegularText(file, maxBytes) {
  let fd;
  try {
    fd = openRegular(file);
  } catch {
    return void 0;
  }
  try {
    const buffer = Buffer.alloc(Math.min(maxBytes, Math.max(0, fs.fstatSync(fd).size)));
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}
function copyRegular(from, to) {
  const input = openRegular(from);
  try {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    const output = fs.openSync(
      to,
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
      420
    );
    try {
      const buffer = Buffer.alloc(1024 * 1024);
      let read;
      while ((read = fs.readSync(input, buffer, 0, buffer.length, null)) > 0) fs.writeSync(output, buffer, 0, read);
    } finally {
      fs.closeSync(output);
    }
  } finally {
    fs.closeSync(input);
  }
}
function removeTree(dir) {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  } catch {
  }
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop();
    try {
      fs.chmodSync(current, 448);
      for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
        if (entry.isDirectory()) pending.push(path.join(current, entry.name));
      }
    } catch {
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
function isInside(parent, child) {
  const relative3 = path.relative(path.resolve(parent), path.resolve(child));
  return relative3 === "" || relative3 !== ".." && !relative3.startsWith(`..${path.sep}`) && !path.isAbsolute(relative3);
}
function leadsOutOfWorkspace(workspace, resolved) {
  if (!isInside(workspace, resolved)) return false;
  let real;
  try {
    real = fs.realpathSync(resolved);
  } catch {
    return false;
  }
  return !isInside(fs.realpathSync(workspace), real);
}
function realAncestor(target) {
  let current = path.resolve(target);
  for (; ; ) {
    try {
      return fs.realpathSync(current);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

// src/build/build.ts
import * as fs2 from "node:fs";
import * as path2 from "node:path";

// src/build/capabilities.ts
function parseVersion(text) {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : void 0;
}
function versionAtLeast(version, min) {
  if (!version) return false;
  for (let i = 0; i < 3; i++) {
    if (version[i] !== min[i]) return version[i] > min[i];
  }
  return true;
}
function capabilitiesFrom(versionText, inspectText, driverStatus, enginePlatform = "") {
  const version = parseVersion(versionText.replace(/^\S*buildx\S*\s*/, ""));
  const driver = /^Driver:\s*(\S+)/m.exec(inspectText)?.[1] ?? "unknown";
  const containerdStore = driverStatus.includes("io.containerd.snapshotter");
  return {
    buildxVersion: version ? version.join(".") : "",
    driver,
    containerdStore,
    cacheExport: driver !== "docker" || containerdStore,
    multiPlatform: driver !== "docker" || containerdStore,
    ghaCacheV2: versionAtLeast(version, [0, 21, 0]),
    enginePlatform
  };
}
async function checkEngine(run, dockerHost) {
  const engine = await run("docker", ["version", "--format", "{{.Server.Os}}/{{.Server.Arch}} {{.Server.Version}}"], {
    allowFailure: true
  });
  if (engine.exitCode !== 0) {
    const why = (engine.stderr || engine.stdout).trim().split("\n").slice(-3).join(" ");
    throw new ToolError(
      "docker",
      `The Docker engine is not reachable${dockerHost ? ` at DOCKER_HOST=${dockerHost}` : ""}: ${why || `docker exited with code ${engine.exitCode}`}. Start the engine (or docker/setup-docker-action) before this step; nothing was built.`
    );
  }
  const [platform = "", version = ""] = engine.stdout.trim().split(/\s+/);
  return { platform, version };
}
var BUILDX_NEEDED = "buildx is needed: install the docker-buildx plugin or use docker/setup-buildx-action";
function buildxMissing(stderr) {
  return /unknown command: docker buildx|'buildx' is not a docker command/.test(stderr);
}
async function detectCapabilities(run, builder, ask, engine) {
  if (!ask.driver && !ask.buildxVersion) return capabilitiesFrom("", "", "", "");
  const skipped = Promise.resolve({ exitCode: 0, stdout: "", stderr: "" });
  const [facts, version, inspect, info] = await Promise.all([
    engine,
    ask.buildxVersion ? run("docker", ["buildx", "version"], { allowFailure: true }) : skipped,
    ask.driver ? run("docker", ["buildx", "inspect", ...builder ? [builder] : []], { allowFailure: true }) : skipped,
    ask.driver ? run("docker", ["info", "--format", "{{json .DriverStatus}}"], { allowFailure: true }) : skipped
  ]);
  for (const [answer, args] of [
    [version, ["buildx", "version"]],
    [inspect, ["buildx", "inspect", builder]]
  ]) {
    if (answer.exitCode === 0) continue;
    const why = buildxMissing(answer.stderr) ? BUILDX_NEEDED : args[1] === "inspect" && builder ? `(the builder input names "${builder}")` : "";
    throw new CommandError("docker", args, answer.exitCode, why ? `${answer.stderr}
${why}` : answer.stderr);
  }
  return {
    ...capabilitiesFrom(version.stdout, inspect.stdout, info.stdout, facts.platform),
    engineVersion: facts.version
  };
}

// src/build/args.ts
function buildxArgs(plan) {
  const args = ["buildx", "build"];
  if (plan.builder) args.push("--builder", plan.builder);
  args.push("--progress", "plain", "--target", plan.target, "--file", plan.file);
  for (const tag of plan.tags) args.push("--tag", tag);
  for (const label of plan.labels) args.push("--label", label);
  for (const annotation of plan.annotations) args.push("--annotation", annotation);
  for (const arg of plan.buildArgs) args.push("--build-arg", arg);
  for (const context of plan.buildContexts) args.push("--build-context", context);
  for (const secret of plan.secretEnvs) args.push("--secret", `id=${secret.id},env=${secret.env}`);
  for (const secret of plan.secretFiles) args.push("--secret", `id=${secret.id},src=${secret.path}`);
  for (const ssh of plan.ssh) args.push("--ssh", ssh);
  if (plan.platforms.length > 0) args.push("--platform", plan.platforms.join(","));
  if (plan.network) args.push("--network", plan.network);
  if (plan.allow.length > 0) args.push("--allow", plan.allow.join(","));
  for (const host of plan.addHosts) args.push("--add-host", host);
  if (plan.shmSize) args.push("--shm-size", plan.shmSize);
  for (const ulimit of plan.ulimits) args.push("--ulimit", ulimit);
  if (plan.noCache) args.push("--no-cache");
  if (plan.noCacheFilters.length > 0) args.push("--no-cache-filter", plan.noCacheFilters.join(","));
  if (plan.pull) args.push("--pull");
  if (plan.provenance !== void 0) args.push("--provenance", plan.provenance);
  for (const from of plan.cacheFrom) args.push("--cache-from", from);
  for (const to of plan.cacheTo) args.push("--cache-to", to);
  switch (plan.output.type) {
    case "load":
      args.push("--load");
      break;
    case "local":
      args.push("--output", `type=local,dest=${plan.output.dest}`);
      break;
    case "oci-layout":
      args.push("--output", `type=oci,dest=${plan.output.dest},tar=false`);
      if (plan.output.load) args.push("--output", "type=docker,oci-mediatypes=true");
      break;
    case "check":
      args.push("--call", "check,format=json");
      break;
  }
  if (plan.output.type !== "check") args.push("--metadata-file", plan.metadataFile);
  args.push("--", plan.context);
  return args;
}
function cacheFlags(settings, caps, cacheService) {
  if (!settings.cache) return { cacheFrom: [], cacheTo: [] };
  if (settings.cacheFrom.length > 0 || settings.cacheTo.length > 0) {
    if (settings.cacheTo.length > 0 && !caps.cacheExport) {
      return {
        cacheFrom: settings.cacheFrom,
        cacheTo: [],
        notice: `cache-to is ignored: the "${caps.driver}" driver on the classic image store cannot export a cache; use docker/setup-buildx-action (a docker-container builder) or turn on the containerd image store`
      };
    }
    return { cacheFrom: settings.cacheFrom, cacheTo: settings.cacheTo };
  }
  if (!cacheService) return { cacheFrom: [], cacheTo: [] };
  if (cacheService === "v2" && !caps.ghaCacheV2) {
    return {
      cacheFrom: [],
      cacheTo: [],
      notice: `building without the GitHub Actions cache: buildx ${caps.buildxVersion || "(unknown version)"} predates GitHub's v2 cache service (needs buildx >= 0.21); update buildx with docker/setup-buildx-action`
    };
  }
  if (!caps.cacheExport) {
    return {
      cacheFrom: [],
      cacheTo: [],
      notice: `building without the GitHub Actions cache: the "${caps.driver}" driver on the classic image store cannot export a cache, so this job would never fill it; use docker/setup-buildx-action (a docker-container builder) or turn on the containerd image store`
    };
  }
  return {
    cacheFrom: [`type=gha,scope=${settings.scope}`],
    cacheTo: [`type=gha,scope=${settings.scope},mode=max,ignore-error=true`]
  };
}

// src/build/progress.ts
var VERTEX = /^#(\d+) (\[[^\]]+\] .*)$/;
var STEP = /^\[([^\]\s]+) (\d+)\/\d+\] (.*)$/;
var ProgressParser = class {
  names = /* @__PURE__ */ new Map();
  cachedIds = /* @__PURE__ */ new Set();
  driver;
  durations = /* @__PURE__ */ new Map();
  failedId;
  failedLine;
  error;
  dockerfileName;
  constructor(dockerfileName = "Dockerfile") {
    this.dockerfileName = dockerfileName;
  }
  push(line) {
    const builder = /^#0 building with "[^"]*" instance using (\S+) driver/.exec(line);
    if (builder) this.driver ??= builder[1];
    const vertex = VERTEX.exec(line);
    if (vertex) {
      if (!this.names.has(vertex[1])) this.names.set(vertex[1], vertex[2]);
      return;
    }
    const cached = /^#(\d+) CACHED\s*$/.exec(line);
    if (cached) {
      this.cachedIds.add(cached[1]);
      return;
    }
    const done = /^#(\d+) DONE (\d+(?:\.\d+)?)s\s*$/.exec(line);
    if (done) {
      this.durations.set(done[1], Number(done[2]));
      return;
    }
    const failed = /^#(\d+) ERROR: /.exec(line);
    if (failed && this.failedId === void 0 && this.names.has(failed[1])) {
      this.failedId = failed[1];
      return;
    }
    const where = new RegExp(`^(?:${escapeRegExp(this.dockerfileName)}|Dockerfile[^:\\s]*):(\\d+)\\s*$`).exec(line);
    if (where && this.failedLine === void 0) {
      this.failedLine = Number(where[1]);
      return;
    }
    if (line.startsWith("ERROR: ")) this.error = line.slice("ERROR: ".length);
  }
  result() {
    let steps = 0;
    let cached = 0;
    const stepDetails = [];
    for (const [id, name] of this.names) {
      const step = STEP.exec(name);
      if (!step) continue;
      stepDetails.push({
        stage: step[1],
        index: Number(step[2]),
        text: step[3],
        cached: this.cachedIds.has(id),
        failed: id === this.failedId,
        seconds: this.durations.get(id) ?? 0
      });
      if (/^FROM /.test(step[3])) continue;
      steps++;
      if (this.cachedIds.has(id)) cached++;
    }
    const failedStep = this.failedId ? this.names.get(this.failedId) : void 0;
    return {
      steps,
      cached,
      cacheHitRatio: steps === 0 ? 0 : cached / steps,
      failedStep,
      failedStage: failedStep ? STEP.exec(failedStep)?.[1] : void 0,
      failedLine: this.failedLine,
      error: this.error,
      stepDetails,
      ...this.driver ? { driver: this.driver } : {}
    };
  }
};
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// src/build/build.ts
var BuildError = class extends Error {
  constructor(target, progress, log, exitCode) {
    const where = progress.failedStep ? ` at ${progress.failedStep}` : "";
    const line = progress.failedLine ? ` (Dockerfile line ${progress.failedLine})` : "";
    super(
      `Building target "${target}" failed${where}${line}: ${progress.error ?? `buildx exited with code ${exitCode}`}`
    );
    this.target = target;
    this.progress = progress;
    this.log = log;
    this.exitCode = exitCode;
  }
  target;
  progress;
  log;
  exitCode;
  name = "BuildError";
};
function shellQuote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
var MAX_LOG_LINES = 1e5;
async function runBuild(plan, options) {
  const now = options.now ?? Date.now;
  const parser = new ProgressParser(path2.basename(plan.file));
  const log = [];
  const started = now();
  const args = buildxArgs(plan);
  options.log(`[command]docker ${args.map(shellQuote).join(" ")}`);
  const result = await options.run("docker", args, {
    env: options.env,
    allowFailure: true,
    onLine: (line, stream) => {
      options.log(line);
      if (stream !== "stderr") return;
      parser.push(line);
      if (log.length < MAX_LOG_LINES) log.push(line);
    }
  });
  const seconds = (now() - started) / 1e3;
  const progress = parser.result();
  if (result.exitCode !== 0) {
    if (!log.some((line) => /^#\d+ /.test(line))) {
      const missing = buildxMissing(result.stderr);
      throw new CommandError(
        "docker",
        buildxArgs(plan),
        result.exitCode,
        missing ? `${result.stderr}
${BUILDX_NEEDED}` : result.stderr,
        result.stdout
      );
    }
    throw new BuildError(plan.target, progress, log.join("\n"), result.exitCode);
  }
  let metadata = {};
  if (fs2.existsSync(plan.metadataFile)) {
    metadata = JSON.parse(fs2.readFileSync(plan.metadataFile, "utf8"));
  }
  return { seconds, progress, metadata };
}

// src/build/phase.ts
import * as path5 from "node:path";

// src/docker/image.ts
function imageInfoFrom(raw) {
  const ports = Object.keys(raw.Config?.ExposedPorts ?? {}).filter((port) => port.endsWith("/tcp") || !port.includes("/")).map((port) => Number(port.split("/")[0])).filter((port) => Number.isInteger(port) && port > 0).sort((a, b) => a - b);
  return { id: raw.Id, size: raw.Size, exposedPorts: ports };
}
async function inspectImage(run, reference) {
  const { stdout } = await run("docker", ["image", "inspect", "--format", "{{json .}}", reference]);
  return imageInfoFrom(JSON.parse(stdout));
}

// src/release/layout.ts
import * as crypto from "node:crypto";
import * as fs4 from "node:fs";
import * as path3 from "node:path";

// src/docker/reference.ts
var COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
var HOST = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?";
var NAME_RE = new RegExp(`^${HOST}${COMPONENT}(?:/${COMPONENT})*$`);
var TAG_RE = /^[\w][\w.-]{0,127}$/;
function isImageName(name) {
  return NAME_RE.test(name) && name.length <= 255;
}
function isImageTag(reference) {
  const { name, tag } = splitReference(reference);
  return isImageName(name) && (tag === void 0 || TAG_RE.test(tag));
}
function splitReference(reference) {
  const slash = reference.lastIndexOf("/");
  const colon = reference.lastIndexOf(":");
  if (colon > slash) return { name: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { name: reference };
}

// src/release/tar.ts
import * as fs3 from "node:fs";
import { Readable } from "node:stream";
var BLOCK = 512;
function octal(value, width) {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}
function tarHeader(name, size, mtime = 0) {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: name longer than 100 bytes: ${name}`);
  const header = Buffer.alloc(BLOCK, 0);
  header.write(name, 0, 100, "utf8");
  header.write(octal(420, 8), 100, 8, "ascii");
  header.write(octal(0, 8), 108, 8, "ascii");
  header.write(octal(0, 8), 116, 8, "ascii");
  if (size < 8 ** 11) {
    header.write(octal(size, 12), 124, 12, "ascii");
  } else {
    header[124] = 128;
    let rest = BigInt(size);
    for (let i = 135; i > 124; i--) {
      header[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
  }
  header.write(octal(mtime, 12), 136, 12, "ascii");
  header.write("        ", 148, 8, "ascii");
  header.write("0", 156, 1, "ascii");
  header.write("ustar\0", 257, 6, "ascii");
  header.write("00", 263, 2, "ascii");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return header;
}
var padding = (size) => Buffer.alloc((BLOCK - size % BLOCK) % BLOCK, 0);
function tarStream(entries) {
  async function* generate() {
    for (const entry of entries) {
      if ("data" in entry) {
        yield tarHeader(entry.name, entry.data.length);
        yield entry.data;
        yield padding(entry.data.length);
        continue;
      }
      yield tarHeader(entry.name, entry.size);
      let written = 0;
      for await (const chunk of fs3.createReadStream(entry.file, { highWaterMark: 1024 * 1024 })) {
        written += chunk.length;
        if (written > entry.size) throw new Error(`tar: ${entry.file} grew while it was being archived`);
        yield chunk;
      }
      if (written !== entry.size) throw new Error(`tar: ${entry.file} shrank while it was being archived`);
      yield padding(entry.size);
    }
    yield Buffer.alloc(BLOCK * 2, 0);
  }
  return Readable.from(generate(), { objectMode: false });
}
var MAX_LONG_NAME = 64 * 1024;
function headerText(block, start, length) {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? length : nul).toString("utf8");
}
function headerNumber(block, start, length) {
  if (block[start] & 128) {
    let value = 0;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i];
    return value;
  }
  const text = headerText(block, start, length).trim();
  return text === "" ? 0 : parseInt(text, 8);
}
var TarParser = class {
  constructor(handlers) {
    this.handlers = handlers;
  }
  handlers;
  buffer = Buffer.alloc(0);
  remaining = 0;
  padding = 0;
  current;
  /** A GNU long name or pax header being read (its content is the next entry's name or attributes). */
  meta;
  nextName;
  nextSize;
  ended = false;
  async write(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (!this.ended) {
      if (this.remaining > 0) {
        if (this.buffer.length === 0) return;
        const piece = this.buffer.subarray(0, Math.min(this.remaining, this.buffer.length));
        this.buffer = this.buffer.subarray(piece.length);
        this.remaining -= piece.length;
        if (this.meta) {
          if (this.meta.size <= MAX_LONG_NAME) this.meta.chunks.push(Buffer.from(piece));
        } else if (this.handlers.data) {
          await this.handlers.data(piece);
        }
        if (this.remaining === 0) await this.finishEntry();
        continue;
      }
      if (this.padding > 0) {
        const skip = Math.min(this.padding, this.buffer.length);
        this.buffer = this.buffer.subarray(skip);
        this.padding -= skip;
        if (this.padding > 0) return;
        continue;
      }
      if (this.buffer.length < 512) return;
      const block = this.buffer.subarray(0, 512);
      this.buffer = this.buffer.subarray(512);
      if (block.every((b) => b === 0)) {
        this.ended = true;
        return;
      }
      const type = String.fromCharCode(block[156] || 48);
      const size = headerNumber(block, 124, 12);
      if (!Number.isSafeInteger(size) || size < 0) throw new Error("tar: a header with an impossible size");
      const prefix = headerText(block, 345, 155);
      const name = headerText(block, 0, 100);
      this.padding = (512 - size % 512) % 512;
      if (type === "L" || type === "x") {
        this.meta = { kind: type, chunks: [], size };
        this.remaining = size;
        if (size === 0) await this.finishEntry();
        continue;
      }
      if (type === "g") {
        this.meta = { kind: "x", chunks: [], size: MAX_LONG_NAME + 1 };
        this.remaining = size;
        if (size === 0) await this.finishEntry();
        continue;
      }
      this.current = {
        name: this.nextName ?? (prefix ? `${prefix}/${name}` : name),
        size: this.nextSize ?? size,
        type
      };
      this.nextName = void 0;
      this.nextSize = void 0;
      const effective = this.current.size;
      if (!Number.isSafeInteger(effective) || effective < 0) throw new Error("tar: a header with an impossible size");
      this.padding = (512 - effective % 512) % 512;
      await this.handlers.entry(this.current);
      this.remaining = effective;
      if (effective === 0) await this.finishEntry();
    }
  }
  async finishEntry() {
    if (this.meta) {
      const text = Buffer.concat(this.meta.chunks).toString("utf8");
      if (this.meta.kind === "L") this.nextName = text.replace(/\0+$/, "");
      else {
        for (const record of text.split("\n")) {
          const match = /^\d+ ([^=]+)=(.*)$/s.exec(record);
          if (match?.[1] === "path") this.nextName = match[2];
          if (match?.[1] === "size" && /^\d+$/.test(match[2])) this.nextSize = Number(match[2]);
        }
      }
      this.meta = void 0;
      return;
    }
    if (this.current) {
      this.current = void 0;
      await this.handlers.end?.();
    }
  }
};

// src/release/layout.ts
var MEDIA = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  inToto: "application/vnd.in-toto+json",
  empty: "application/vnd.oci.empty.v1+json",
  attestationManifest: "application/vnd.docker.attestation.manifest.v1+json"
};
var DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
var MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
var isIndex = (mediaType) => mediaType === MEDIA.index || mediaType === MEDIA.dockerList;
var isAttestation = (d) => d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest";
var platformText = (p) => p ? [p.os, p.architecture, p.variant].filter(Boolean).join("/") : "";
function sha256(bytes) {
  return `sha256:${crypto.createHash("sha256").update(bytes).digest("hex")}`;
}
var jsonBytes = (value) => Buffer.from(JSON.stringify(value));
var OciLayout = class {
  constructor(dir) {
    this.dir = dir;
  }
  dir;
  blobPath(digest) {
    if (!DIGEST_RE.test(digest)) throw new ToolError("buildx", `the OCI layout names a blob "${digest}"`);
    return path3.join(this.dir, "blobs", "sha256", digest.slice("sha256:".length));
  }
  readDocument(file) {
    const stat = fs4.lstatSync(file);
    if (!stat.isFile() || stat.size > MAX_DOCUMENT_BYTES) {
      throw new ToolError("buildx", `the OCI layout's ${path3.basename(file)} is not a document BuildKit writes`);
    }
    return JSON.parse(fs4.readFileSync(file, "utf8"));
  }
  readBlob(digest) {
    return this.readDocument(this.blobPath(digest));
  }
  /**
   * The one image (index or manifest) the layout holds. BuildKit's exporter writes one entry per tag, all naming
   * the same digest; entries naming different digests are not a build result.
   */
  top() {
    const index = this.readDocument(path3.join(this.dir, "index.json"));
    const entries = Array.isArray(index.manifests) ? index.manifests : [];
    const digests = new Set(entries.map((d) => d.digest));
    if (entries.length === 0 || digests.size !== 1) {
      throw new ToolError("buildx", `the OCI layout holds ${digests.size} images, not one`);
    }
    return entries[0];
  }
  /** The image index, or undefined when the layout holds a single manifest. */
  index() {
    const top = this.top();
    return isIndex(top.mediaType) ? this.readBlob(top.digest) : void 0;
  }
  /** Every platform's image (attestations left out). */
  images() {
    const index = this.index();
    if (!index) {
      const top = this.top();
      return [{ ...top, platform: top.platform ?? this.configPlatform(top) }];
    }
    return index.manifests.filter((d) => !isAttestation(d) && !isIndex(d.mediaType));
  }
  configPlatform(descriptor) {
    const manifest = this.readBlob(descriptor.digest);
    const config = this.readBlob(manifest.config.digest);
    return config.os && config.architecture ? { os: config.os, architecture: config.architecture, ...config.variant ? { variant: config.variant } : {} } : void 0;
  }
  /** The image of one platform (`linux/amd64`, `linux/arm/v7`), or the only one when none is named. */
  imageFor(platform) {
    const images = this.images();
    if (!platform) {
      if (images.length !== 1) {
        throw new ToolError("buildx", `the build holds ${images.length} platforms; which one to test was not decided`);
      }
      return images[0];
    }
    const [os, architecture, variant] = platform.split("/");
    const found = images.find(
      (d) => d.platform?.os === os && d.platform.architecture === architecture && (variant === void 0 || d.platform.variant === variant)
    );
    if (!found) {
      throw new ToolError(
        "buildx",
        `the build holds no ${platform} image (it holds ${images.map((d) => platformText(d.platform)).join(", ")})`
      );
    }
    return found;
  }
  writeBlob(bytes) {
    const digest = sha256(bytes);
    fs4.writeFileSync(this.blobPath(digest), bytes);
    return { digest, size: bytes.length };
  }
  /** Make `top` the layout's one image, with its annotations (cosign's `load` reads which kind it is from them). */
  setTop(top) {
    const index = { schemaVersion: 2, mediaType: MEDIA.index, manifests: [top] };
    fs4.writeFileSync(path3.join(this.dir, "index.json"), jsonBytes(index));
  }
};
function normalizedName(reference) {
  const { name, tag } = splitReference(reference);
  const first = name.split("/")[0];
  const hasDomain = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  const full = hasDomain ? name : `docker.io/${name.includes("/") ? name : `library/${name}`}`;
  return `${full}:${tag ?? "latest"}`;
}
function layoutImage(layout, platform) {
  const manifest = layout.imageFor(platform);
  return { manifest, content: layout.readBlob(manifest.digest) };
}
async function loadIntoEngine(run, layout, image, tags) {
  const { manifest: manifestDescriptor, content: manifest } = image;
  const blob = (digest) => path3.relative(layout.dir, layout.blobPath(digest));
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: tags.map((tag) => ({
      mediaType: manifestDescriptor.mediaType,
      digest: manifestDescriptor.digest,
      size: manifestDescriptor.size,
      annotations: {
        "io.containerd.image.name": normalizedName(tag),
        "org.opencontainers.image.ref.name": splitReference(tag).tag ?? "latest"
      }
    }))
  };
  const dockerManifest = [
    { Config: blob(manifest.config.digest), RepoTags: [...tags], Layers: manifest.layers.map((l) => blob(l.digest)) }
  ];
  const seen = /* @__PURE__ */ new Set();
  const blobs = [];
  for (const d of [manifestDescriptor, manifest.config, ...manifest.layers]) {
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    const file = layout.blobPath(d.digest);
    const stat = fs4.lstatSync(file);
    if (!stat.isFile()) throw new ToolError("buildx", `the OCI layout's blob ${d.digest} is not a file`);
    blobs.push({ name: blob(d.digest), file, size: stat.size });
  }
  const entries = [
    { name: "oci-layout", data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { name: "index.json", data: jsonBytes(index) },
    { name: "manifest.json", data: jsonBytes(dockerManifest) },
    ...blobs
  ];
  await run("docker", ["load"], { input: tarStream(entries) });
}
function checkLoaded(imageId, layout, image, tag) {
  const accepted = [layout.top().digest, image.manifest.digest, image.content.config.digest];
  if (!accepted.includes(imageId)) {
    throw new ToolError(
      "docker load",
      `the engine holds ${imageId} under ${tag}, not the built image (index ${accepted[0]}, manifest ${accepted[1]}, config ${accepted[2]})`
    );
  }
}
function attachStatement(layout, subject, predicateType, statement) {
  let top = layout.top();
  let index = layout.index();
  if (!index) {
    index = {
      schemaVersion: 2,
      mediaType: MEDIA.index,
      manifests: [{ mediaType: top.mediaType, digest: top.digest, size: top.size, platform: subject.platform }]
    };
  }
  const layer = {
    ...layout.writeBlob(statement),
    mediaType: MEDIA.inToto,
    annotations: { "in-toto.io/predicate-type": predicateType }
  };
  const at = index.manifests.findIndex(
    (d) => isAttestation(d) && d.annotations?.["vnd.docker.reference.digest"] === subject.digest
  );
  let manifest;
  if (at >= 0) {
    manifest = layout.readBlob(index.manifests[at].digest);
    manifest = { ...manifest, layers: [...manifest.layers, layer] };
  } else {
    const emptyConfig = layout.writeBlob(Buffer.from("{}"));
    manifest = {
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      artifactType: MEDIA.attestationManifest,
      config: { mediaType: MEDIA.empty, ...emptyConfig, data: Buffer.from("{}").toString("base64") },
      layers: [layer],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size }
    };
  }
  const written = layout.writeBlob(jsonBytes(manifest));
  const descriptor = {
    mediaType: MEDIA.manifest,
    ...written,
    annotations: {
      "vnd.docker.reference.digest": subject.digest,
      "vnd.docker.reference.type": "attestation-manifest"
    },
    platform: { architecture: "unknown", os: "unknown" }
  };
  const manifests = [...index.manifests];
  if (at >= 0) manifests[at] = descriptor;
  else manifests.push(descriptor);
  const newIndex = layout.writeBlob(jsonBytes({ ...index, manifests }));
  top = { mediaType: MEDIA.index, ...newIndex, annotations: top.annotations };
  layout.setTop(top);
  return top;
}

// src/build/plan.ts
import * as path4 from "node:path";
function secretEnvName(index) {
  return `MULTISTAGE_SECRET_${index}`;
}
function buildSettings(inputs, ctx) {
  return {
    context: path4.resolve(ctx.workspace, inputs.context),
    file: path4.resolve(ctx.workspace, inputs.file),
    buildArgs: inputs["build-args"],
    buildContexts: inputs["build-contexts"].map(({ key, value }) => {
      const source = value.trim();
      const local = !/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !source.startsWith("target:") && !source.startsWith("git@");
      return `${key}=${local ? path4.resolve(ctx.workspace, source) : source}`;
    }),
    secretEnvs: [
      ...inputs.secrets.map((secret, i) => ({ id: secret.id, env: secretEnvName(i) })),
      ...inputs["secret-envs"]
    ],
    secretValues: Object.fromEntries(inputs.secrets.map((secret, i) => [secretEnvName(i), secret.value])),
    metadataWarnings: inputs.checks === "warn",
    secretFiles: inputs["secret-files"],
    ssh: inputs.ssh,
    builder: inputs.builder,
    network: inputs.network,
    allow: inputs.allow,
    addHosts: inputs["add-hosts"],
    shmSize: inputs["shm-size"],
    ulimits: inputs.ulimit,
    noCache: inputs["no-cache"],
    noCacheFilters: inputs["no-cache-filters"],
    pull: inputs.pull
  };
}
function buildPlan(settings, request) {
  return {
    target: request.target,
    context: settings.context,
    file: settings.file,
    tags: request.tags,
    labels: request.labels,
    annotations: request.annotations ?? [],
    buildArgs: settings.buildArgs,
    buildContexts: settings.buildContexts,
    secretEnvs: settings.secretEnvs,
    secretFiles: settings.secretFiles,
    ssh: settings.ssh,
    platforms: request.platforms,
    builder: settings.builder,
    network: settings.network,
    allow: settings.allow,
    addHosts: settings.addHosts,
    shmSize: settings.shmSize,
    ulimits: settings.ulimits,
    noCache: settings.noCache,
    noCacheFilters: settings.noCacheFilters,
    pull: settings.pull,
    provenance: request.provenance,
    cacheFrom: request.cache.cacheFrom,
    cacheTo: request.cache.cacheTo,
    output: request.output,
    metadataFile: request.metadataFile
  };
}

// src/build/phase.ts
var ONE_OUTPUT = /multiple outputs currently unsupported/;
function refusedSecondOutput(error) {
  if (error instanceof CommandError) return ONE_OUTPUT.test(error.stderr);
  return error instanceof BuildError && ONE_OUTPUT.test(error.log);
}
async function buildOnce(deps, settings, request) {
  return runBuild(buildPlan(settings, request), {
    run: deps.run,
    env: settings.metadataWarnings ? { ...settings.secretValues, BUILDX_METADATA_WARNINGS: "1" } : settings.secretValues,
    now: deps.clock.now,
    log: (line) => deps.ui.info(line)
  });
}
async function buildImage(deps, settings, request, annotation) {
  let run;
  let output = request.output;
  if (output.type === "oci-layout" && output.load && deps.builder?.oneOutput) output = { ...output, load: false };
  try {
    try {
      run = await buildOnce(deps, settings, { ...request, output });
    } catch (error) {
      if (!(output.type === "oci-layout" && output.load && refusedSecondOutput(error))) throw error;
      if (deps.builder) deps.builder.oneOutput = true;
      output = { ...output, load: false };
      deps.ui.info("This builder takes one output per build (BuildKit < 0.13): building the layout, then loading it");
      run = await buildOnce(deps, settings, { ...request, output });
    }
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    const stage = error.progress.failedStage ? annotation.stageLine(error.progress.failedStage) : void 0;
    deps.ui.error(error.message, {
      title: `multistage: build of ${request.target} failed`,
      file: annotation.file,
      startLine: error.progress.failedLine ?? stage
    });
    throw new GateFailure("build", error.message, { cause: error });
  }
  let layout;
  let tested;
  let loaded;
  if (output.type === "oci-layout") {
    layout = new OciLayout(output.dest);
    const gated = layoutImage(layout, annotation.gatePlatform);
    tested = gated.manifest;
    if (!output.load) await loadIntoEngine(deps.run, layout, gated, request.tags);
    loaded = await inspectImage(deps.run, request.tags[0]);
    checkLoaded(loaded.id, layout, gated, request.tags[0]);
    deps.ui.info(
      `${output.load ? "The build loaded" : "Loaded"} ${platformText(tested.platform) || "the image"} (${tested.digest}) into the engine for the gates`
    );
  }
  const image = loaded ?? await inspectImage(deps.run, request.tags[0]);
  const digest = run.metadata["containerimage.digest"];
  return {
    imageId: image.id,
    digest: tested?.digest ?? (typeof digest === "string" ? digest : void 0),
    ...tested && layout ? { layout: { dir: layout.dir, tested } } : {},
    tags: request.tags,
    sizeBytes: image.size,
    seconds: run.seconds,
    steps: run.progress.steps,
    cached: run.progress.cached,
    cacheHitRatio: run.progress.cacheHitRatio,
    stepDetails: run.progress.stepDetails,
    metadata: run.metadata,
    ...run.progress.driver ? { driver: run.progress.driver } : {},
    labels: request.labels,
    exposedPorts: image.exposedPorts
  };
}
function metadataFile(tempDir, target, suffix = "") {
  return path5.join(tempDir, `metadata-${target}${suffix}.json`);
}

export {
  WALK_LIMITS,
  ExportLimitError,
  walkNoFollow,
  openRegular,
  readRegularText,
  copyRegular,
  removeTree,
  isInside,
  leadsOutOfWorkspace,
  realAncestor,
  TAG_RE,
  isImageName,
  isImageTag,
  splitReference,
  parseVersion,
  versionAtLeast,
  checkEngine,
  detectCapabilities,
  buildxArgs,
  cacheFlags,
  buildSettings,
  buildPlan,
  TarParser,
  MEDIA,
  platformText,
  OciLayout,
  attachStatement,
  inspectImage,
  BuildError,
  buildOnce,
  buildImage,
  metadataFile
};
