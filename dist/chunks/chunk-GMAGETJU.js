import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);
import {
  CommandError,
  GateFailure
} from "./chunk-YXHC37U5.js";

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
  const relative2 = path.relative(path.resolve(parent), path.resolve(child));
  return relative2 === "" || relative2 !== ".." && !relative2.startsWith(`..${path.sep}`) && !path.isAbsolute(relative2);
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

// src/build/args.ts
function buildxArgs(plan) {
  const args = ["buildx", "build"];
  if (plan.builder) args.push("--builder", plan.builder);
  args.push("--progress", "plain", "--target", plan.target, "--file", plan.file);
  for (const tag of plan.tags) args.push("--tag", tag);
  for (const label of plan.labels) args.push("--label", label);
  for (const arg of plan.buildArgs) args.push("--build-arg", arg);
  for (const secret of plan.secretEnvs) args.push("--secret", `id=${secret.id},env=${secret.env}`);
  for (const secret of plan.secretFiles) args.push("--secret", `id=${secret.id},src=${secret.path}`);
  for (const ssh of plan.ssh) args.push("--ssh", ssh);
  if (plan.platforms.length > 0) args.push("--platform", plan.platforms.join(","));
  if (plan.noCache) args.push("--no-cache");
  if (plan.pull) args.push("--pull");
  for (const from of plan.cacheFrom) args.push("--cache-from", from);
  for (const to of plan.cacheTo) args.push("--cache-to", to);
  switch (plan.output.type) {
    case "load":
      args.push("--load");
      break;
    case "push":
      args.push("--push");
      break;
    case "local":
      args.push("--output", `type=local,dest=${plan.output.dest}`);
      break;
  }
  args.push("--metadata-file", plan.metadataFile);
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
var STEP = /^\[([^\]\s]+) \d+\/\d+\] (.*)$/;
var ProgressParser = class {
  names = /* @__PURE__ */ new Map();
  cachedIds = /* @__PURE__ */ new Set();
  failedId;
  failedLine;
  error;
  dockerfileName;
  constructor(dockerfileName = "Dockerfile") {
    this.dockerfileName = dockerfileName;
  }
  push(line) {
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
    for (const [id, name] of this.names) {
      const step = STEP.exec(name);
      if (!step || /^FROM /.test(step[2])) continue;
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
      error: this.error
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
    if (log.length === 0)
      throw new CommandError("docker", buildxArgs(plan), result.exitCode, result.stderr, result.stdout);
    throw new BuildError(plan.target, progress, log.join("\n"), result.exitCode);
  }
  let metadata = {};
  if (fs2.existsSync(plan.metadataFile)) {
    metadata = JSON.parse(fs2.readFileSync(plan.metadataFile, "utf8"));
  }
  return { seconds, progress, metadata };
}

// src/build/phase.ts
import * as path4 from "node:path";

// src/docker/image.ts
function imageInfoFrom(raw) {
  const ports = Object.keys(raw.Config?.ExposedPorts ?? {}).filter((port) => port.endsWith("/tcp") || !port.includes("/")).map((port) => Number(port.split("/")[0])).filter((port) => Number.isInteger(port) && port > 0).sort((a, b) => a - b);
  return { id: raw.Id, size: raw.Size, exposedPorts: ports };
}
async function inspectImage(run, reference) {
  const { stdout } = await run("docker", ["image", "inspect", "--format", "{{json .}}", reference]);
  return imageInfoFrom(JSON.parse(stdout));
}

// src/build/plan.ts
import * as path3 from "node:path";
function secretEnvName(index) {
  return `MULTISTAGE_SECRET_${index}`;
}
function buildSettings(inputs, ctx) {
  return {
    context: path3.resolve(ctx.workspace, inputs.context),
    file: path3.resolve(ctx.workspace, inputs.file),
    buildArgs: inputs["build-args"],
    secretEnvs: inputs.secrets.map((secret, i) => ({ id: secret.id, env: secretEnvName(i) })),
    secretValues: Object.fromEntries(inputs.secrets.map((secret, i) => [secretEnvName(i), secret.value])),
    secretFiles: inputs["secret-files"],
    ssh: inputs.ssh,
    builder: inputs.builder,
    noCache: inputs["no-cache"],
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
    buildArgs: settings.buildArgs,
    secretEnvs: settings.secretEnvs,
    secretFiles: settings.secretFiles,
    ssh: settings.ssh,
    platforms: request.platforms,
    builder: settings.builder,
    noCache: settings.noCache,
    pull: settings.pull,
    cacheFrom: request.cache.cacheFrom,
    cacheTo: request.cache.cacheTo,
    output: request.output,
    metadataFile: request.metadataFile
  };
}
function defaultTags(image, userTags, target, sha) {
  if (userTags.length > 0) return [...userTags];
  const tags = [`${image}:${target}`];
  if (sha) tags.push(`${image}:${target}-${sha.slice(0, 7)}`);
  return tags;
}
function defaultLabels(ctx, target, now) {
  const labels = {
    "org.opencontainers.image.title": target,
    "org.opencontainers.image.created": now.toISOString()
  };
  if (ctx.repository) labels["org.opencontainers.image.source"] = `${ctx.serverUrl}/${ctx.repository}`;
  if (ctx.sha) labels["org.opencontainers.image.revision"] = ctx.sha;
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`);
}
function mergeLabels(defaults, user) {
  const key = (label) => label.slice(0, label.indexOf("="));
  const userKeys = new Set(user.map(key));
  return [...defaults.filter((label) => !userKeys.has(key(label))), ...user];
}

// src/build/phase.ts
async function buildOnce(deps, settings, request) {
  return runBuild(buildPlan(settings, request), {
    run: deps.run,
    env: settings.secretValues,
    now: deps.clock.now,
    log: (line) => deps.ui.info(line)
  });
}
async function buildImage(deps, settings, request, annotation) {
  let run;
  try {
    run = await buildOnce(deps, settings, request);
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
  const image = await inspectImage(deps.run, request.tags[0]);
  const digest = run.metadata["containerimage.digest"];
  return {
    imageId: image.id,
    digest: typeof digest === "string" ? digest : void 0,
    tags: request.tags,
    sizeBytes: image.size,
    seconds: run.seconds,
    steps: run.progress.steps,
    cached: run.progress.cached,
    cacheHitRatio: run.progress.cacheHitRatio,
    metadata: run.metadata,
    labels: request.labels,
    exposedPorts: image.exposedPorts
  };
}
function metadataFile(tempDir, target, suffix = "") {
  return path4.join(tempDir, `metadata-${target}${suffix}.json`);
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
  cacheFlags,
  buildSettings,
  defaultTags,
  defaultLabels,
  mergeLabels,
  inspectImage,
  BuildError,
  buildOnce,
  buildImage,
  metadataFile
};
