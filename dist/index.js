import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-7RGUEZ5D.js";
import "./chunks/chunk-3CKKXKDI.js";
import "./chunks/chunk-BPNTP72B.js";
import "./chunks/chunk-G6MXF74R.js";
import "./chunks/chunk-2XF4TRXS.js";
import "./chunks/chunk-TV5RVX4N.js";
import "./chunks/chunk-ZRO6CAG6.js";

// src/index.ts
await run();
