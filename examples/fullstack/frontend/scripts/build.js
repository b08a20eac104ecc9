import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { render } from '../src/render.js';

// Build the static site into build/: the page, and a health file the web server answers /health with.
const apiUrl = process.env.API_URL ?? 'http://localhost:3001';
const version = process.env.APP_VERSION ?? '1.0.0';
mkdirSync('build', { recursive: true });
writeFileSync('build/index.html', render(readFileSync('src/index.html', 'utf8'), { apiUrl, version }));
writeFileSync('build/health', 'healthy\n');
console.log(`built frontend ${version} for ${apiUrl}`);
