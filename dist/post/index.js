import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);
import {
  STATE_CONTAINERS,
  STATE_PROCESSES,
  STATE_TEMP_DIRS,
  createProcessRunner,
  endProcessGroup,
  inert,
  isProcessRecord,
  isSameProcess,
  isString,
  readStateList,
  removeLeftovers
} from "../chunks/chunk-3CKKXKDI.js";
import "../chunks/chunk-G6MXF74R.js";
import {
  errorMessage
} from "../chunks/chunk-TV5RVX4N.js";
import "../chunks/chunk-ZRO6CAG6.js";

// src/commands.ts
function escapeData(text) {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(text) {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
function workflowCommand(name, properties, message) {
  const props = Object.entries(properties).map(([key, value]) => `${key}=${escapeProperty(value)}`).join(",");
  return `::${name}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}
function savedState(name, env = process.env) {
  return env[`STATE_${name}`] ?? "";
}

// src/post.ts
async function post(run = createProcessRunner(() => void 0).run, read = savedState, write = (line) => void process.stdout.write(`${line}
`)) {
  const info = (message) => write(inert(message));
  const warn = (message) => write(workflowCommand("warning", {}, message));
  try {
    for (const record of readStateList(STATE_PROCESSES, isProcessRecord, read, warn)) {
      if (!isSameProcess(record)) continue;
      await endProcessGroup(record.pid);
      info(`Ended process ${record.pid} (and its process group), left running by the main step`);
    }
    const containers = new Set(readStateList(STATE_CONTAINERS, isString, read, warn));
    const tempDirs = new Set(readStateList(STATE_TEMP_DIRS, isString, read, warn));
    const failed = await removeLeftovers(run, { containers, tempDirs });
    for (const name of containers) {
      if (!failed.some((f) => f.startsWith(`container ${name}`))) info(`Removed container ${name}`);
    }
    for (const item of failed) warn(`Could not remove ${item}`);
  } catch (error) {
    warn(`Cleaning up failed: ${errorMessage(error)}`);
  }
}

// src/post-entry.ts
await post();
