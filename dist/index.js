import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-EQRLP435.js";
import "./chunks/chunk-ZEPLOZA7.js";
import "./chunks/chunk-BPNTP72B.js";
import "./chunks/chunk-ZXO6HUJ2.js";
import "./chunks/chunk-LAMZQF3F.js";
import "./chunks/chunk-TV5RVX4N.js";
import "./chunks/chunk-ZRO6CAG6.js";

// src/index.ts
await run();
