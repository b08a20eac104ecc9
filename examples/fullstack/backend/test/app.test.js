import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../src/app.js';

const server = createApp({ startedAt: Date.now() }).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
after(() => server.close());

test('backend: /health answers ok', async () => {
  const res = await fetch(`${base}/health`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).status, 'ok');
});

test('backend: /api/greeting greets by name', async () => {
  const res = await fetch(`${base}/api/greeting?name=Grace`);
  assert.equal((await res.json()).message, 'Hello, Grace!');
});

test('backend: unknown paths are 404', async () => {
  assert.equal((await fetch(`${base}/nope`)).status, 404);
});
