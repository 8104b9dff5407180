// A local revalidation endpoint that speaks the seed route's contract:
//   POST, x-revalidation-secret header, {"type": "path"|"tag", "value": "..."}
//   → 200 {"revalidated": true, ...} · 401 {"error": "Invalid secret"} · 400 {"error": "Invalid type"}
// It records every request it receives. Used by the demo and by the tests.
import { createServer } from 'node:http';

/**
 * @param {{ secret: string, header?: string, port?: number }} options
 * @returns {Promise<{ url: string, requests: Array<{ method: string, url: string, headers: import('node:http').IncomingHttpHeaders, body: string }>, close: () => Promise<void> }>}
 */
export async function startReceiver({ secret, header = 'x-revalidation-secret', port = 0 }) {
  /** @type {Array<{ method: string, url: string, headers: import('node:http').IncomingHttpHeaders, body: string }>} */
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const reply = (status, json) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.method !== 'POST') return reply(405, { error: 'Method not allowed' });
      if (req.headers[header] !== secret) return reply(401, { error: 'Invalid secret' });
      let parsed;
      try {
        parsed = JSON.parse(body);
      } catch {
        return reply(400, { error: 'Invalid JSON' });
      }
      if (parsed?.type !== 'path' && parsed?.type !== 'tag') return reply(400, { error: 'Invalid type' });
      if (typeof parsed.value !== 'string' || parsed.value === '') return reply(400, { error: 'Invalid value' });
      reply(200, { revalidated: true, type: parsed.type, value: parsed.value, timestamp: Date.now() });
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}/api/revalidate`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}
