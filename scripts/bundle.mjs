#!/usr/bin/env node
// Bundle the action's three entry points into dist/ in one esbuild run, so they share their chunks: the main step
// (dist/index.js), the post step (dist/post/index.js: only what cleanup needs) and the command line
// (dist/cli/index.js). Lazy imports (the Trivy installer, the API client, the XML reader) stay lazy chunks.
// dist/ is emptied first, the output is deterministic (content-hashed chunk names, no timestamps), and
// dist/licenses.txt lists every bundled package's license.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const OUT = 'dist';

// @actions/core imports its OIDC client (and with it @actions/http-client and undici, 800 kB) when it loads, though
// only core.getIDToken uses it: about 70 ms of every start. Its import from core.js becomes a stand-in that loads
// the real one on first use (a lazy chunk), so a step that never asks for an OIDC token never loads undici.
const lazyOidc = {
  name: 'lazy-oidc',
  setup(build) {
    build.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) =>
      /@actions[\\/]core[\\/]lib[\\/]core\.js$/.test(args.importer)
        ? // Relative to the checkout: the bundle must not depend on where it is built.
          {
            path: path.relative(process.cwd(), path.join(path.dirname(args.importer), 'oidc-utils.js')),
            namespace: 'lazy-oidc',
          }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-oidc' }, (args) => ({
      contents: `export class OidcClient {
  static async getIDToken(audience) {
    const { OidcClient: real } = await import('./oidc-utils.js');
    return real.getIDToken(audience);
  }
}
`,
      resolveDir: path.resolve(path.dirname(args.path)),
    }));
  },
};
fs.rmSync(OUT, { recursive: true, force: true });

const result = await esbuild.build({
  entryPoints: { index: 'src/index.ts', 'post/index': 'src/post-entry.ts', 'cli/index': 'src/cli.ts' },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  plugins: [lazyOidc],
  logLevel: 'warning',
  // Some bundled packages are CommonJS and require() Node's built-ins: give ESM output a require of its own.
  banner: {
    js: "import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);",
  },
});

fs.writeFileSync(path.join(OUT, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);

// One section per bundled package, sorted: name, version, license and its license text.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  if (input.startsWith('lazy-oidc:')) continue; // the stand-in; the real file is an input of its own
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m && !packages.has(m[1]))
    packages.set(m[1], JSON.parse(fs.readFileSync(path.join(m[1], 'package.json'), 'utf8')));
}
const sections = [...packages.entries()]
  .sort(([, a], [, b]) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  .map(([dir, pkg]) => {
    const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? fs.readFileSync(path.join(dir, file), 'utf8').trim() : '(no license file in the package)';
    return `${pkg.name} ${pkg.version}\n${typeof pkg.license === 'string' ? pkg.license : 'see below'}\n${text}`;
  });
fs.writeFileSync(path.join(OUT, 'licenses.txt'), `${sections.join('\n\n')}\n`);

const sizes = Object.entries(result.metafile.outputs)
  .map(([file, out]) => [file, out.bytes])
  .sort(([a], [b]) => (a < b ? -1 : 1));
for (const [file, bytes] of sizes) console.log(`${(bytes / 1024).toFixed(0).padStart(6)} kB  ${file}`);
