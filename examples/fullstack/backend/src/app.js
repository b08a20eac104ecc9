import { createServer } from 'node:http';
import { APP_NAME, greeting, healthReport } from 'fullstack-shared';

// The backend API: GET /health and GET /api/greeting?name=...
export function createApp({ startedAt = Date.now() } = {}) {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    if (url.pathname === '/health') return send(200, healthReport(startedAt));
    if (url.pathname === '/api/greeting') return send(200, { app: APP_NAME, message: greeting(url.searchParams.get('name')) });
    return send(404, { error: 'not found' });
  });
}
