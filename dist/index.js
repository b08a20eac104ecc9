import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-UCBBZHP2.js";
import "./chunks/chunk-NOBG752D.js";
import "./chunks/chunk-BPNTP72B.js";
import "./chunks/chunk-BR2HY3XJ.js";
import "./chunks/chunk-FD7ZZOJE.js";
import "./chunks/chunk-AQXUNLLB.js";
import "./chunks/chunk-TV5RVX4N.js";
import "./chunks/chunk-ZRO6CAG6.js";

// src/index.ts
await run();
