import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-5QYOR4OB.js";
import "./chunks/chunk-6CZMXZ7W.js";
import "./chunks/chunk-5SLBXG6A.js";
import "./chunks/chunk-FD7ZZOJE.js";
import "./chunks/chunk-AQXUNLLB.js";
import "./chunks/chunk-TV5RVX4N.js";
import "./chunks/chunk-ZRO6CAG6.js";

// src/index.ts
await run();
