import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from '../src/render.js';

test('frontend: render fills every placeholder', () => {
  const html = render('%APP_NAME% %GREETING% %API_URL% %VERSION%', { apiUrl: 'http://api', version: '2.0.0' });
  assert.equal(html, 'fullstack-multistage Hello, frontend! http://api 2.0.0');
});
