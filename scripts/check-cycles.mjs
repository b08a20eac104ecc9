#!/usr/bin/env node
// Fails when src/ has an import cycle (type-only imports and dynamic import() count too): a phase must never import
// the pipeline that composes it. Prints every cycle it finds.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(process.argv[2] ?? 'src');
const files = fs
  .readdirSync(root, { recursive: true })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => path.join(root, f));

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const graph = new Map();
for (const file of files) {
  const source = fs.readFileSync(file, 'utf8');
  const deps = new Set();
  for (const m of source.matchAll(IMPORT)) {
    const target = path.resolve(path.dirname(file), (m[1] ?? m[2]).replace(/\.js$/, '.ts'));
    if (files.includes(target)) deps.add(target);
  }
  graph.set(file, [...deps]);
}

const cycles = [];
const state = new Map(); // 1 = on the stack, 2 = done
const stack = [];
function visit(node) {
  state.set(node, 1);
  stack.push(node);
  for (const next of graph.get(node)) {
    if (state.get(next) === 1) cycles.push([...stack.slice(stack.indexOf(next)), next]);
    else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(node, 2);
}
for (const file of files) if (!state.has(file)) visit(file);

const rel = (f) => path.relative(process.cwd(), f);
if (cycles.length > 0) {
  console.error(`${cycles.length} import cycle(s) in ${rel(root)}:`);
  for (const cycle of cycles) console.error(`  ${cycle.map(rel).join(' -> ')}`);
  process.exit(1);
}
console.log(`no import cycle among ${files.length} modules in ${rel(root)}`);
