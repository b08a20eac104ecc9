import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-GLVB6BHK.js";
import "./chunks/chunk-ECN4RPGC.js";
import "./chunks/chunk-BR2HY3XJ.js";
import "./chunks/chunk-FD7ZZOJE.js";
import "./chunks/chunk-GMAGETJU.js";
import "./chunks/chunk-YXHC37U5.js";
import "./chunks/chunk-ZRO6CAG6.js";

// src/index.ts
await run();
