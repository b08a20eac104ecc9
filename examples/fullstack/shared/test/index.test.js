import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greeting, healthReport } from '../src/index.js';

test('shared: greeting names the caller', () => {
  assert.equal(greeting('Ada'), 'Hello, Ada!');
});

test('shared: greeting falls back to world', () => {
  assert.equal(greeting('  '), 'Hello, world!');
});

test('shared: health report counts uptime in seconds', () => {
  assert.deepEqual(healthReport(1000, 6000), { status: 'ok', uptimeSeconds: 5 });
});
