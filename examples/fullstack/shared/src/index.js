// Code both the backend and the frontend use.
export const APP_NAME = 'fullstack-multistage';

export function greeting(name) {
  const who = String(name ?? '').trim() || 'world';
  return `Hello, ${who}!`;
}

export function healthReport(startedAt, now = Date.now()) {
  return { status: 'ok', uptimeSeconds: Math.max(0, Math.round((now - startedAt) / 1000)) };
}
