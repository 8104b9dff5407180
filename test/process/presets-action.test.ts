/**
 * Each preset receiver through the bundled action as a whole process, against a server on
 * 127.0.0.1 that replays the provider's documented request and reply shapes (errors and 429
 * included): the exact requests (method, path, query, headers, body), how targets are chunked,
 * and that the rate limit spaces requests out (a lower bound only: a slow machine cannot break it).
 */
import { describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction, visibleLog, type ActionRun } from '../helpers/action.js';
import { type FaultServer, json, serveFaults, text } from '../helpers/faulty.js';

const serve = serveFaults();
const TOKEN = 'provider-token-Qz8/r+s&t';

interface FailedEntry {
  type: string;
  value: string;
  status: number | null;
  error: string;
  endpoint?: string;
}
const failed = (run: ActionRun) => JSON.parse(run.outputs.failed ?? 'null') as FailedEntry[];
const body = (server: FaultServer, i: number) => JSON.parse(server.requests[i]?.body ?? 'null') as Record<string, unknown>;

function dispatch(inputs: Record<string, string>, node: string, env: Record<string, string> = {}) {
  return runAction({ node, eventName: 'workflow_dispatch', event: { inputs: {} }, inputs: { retries: '2', ...inputs }, env });
}

function noLeak(run: ActionRun) {
  const shown = [visibleLog(run), run.summary, JSON.stringify(run.outputs)].join('\n');
  for (const form of [TOKEN, encodeURIComponent(TOKEN), TOKEN.slice(0, 14)]) expect(shown).not.toContain(form);
}

const tags = (n: number) => Array.from({ length: n }, (_, i) => `t${String(i).padStart(3, '0')}`);

describe.each(nodeRuntimes())('preset receivers, bundled action under $name', ({ path: node }) => {
  it('cloudflare: tags in 100s and paths as full URLs, one kind per body; 429 + Retry-After waited out; the rate limit spaces requests', async () => {
    const arrivals: number[] = [];
    const server = await serve((ex) => {
      arrivals.push(Date.now());
      if (ex.request.nth === 1 && server.requests.length === 1) {
        return json(
          ex,
          429,
          {
            success: false,
            errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }],
            messages: [],
            result: null,
          },
          { 'retry-after': '1' },
        );
      }
      json(ex, 200, { success: true, errors: [], messages: [], result: { id: 'purge-1' } });
    }, '/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache');
    const run = await dispatch(
      {
        receiver: 'cloudflare',
        endpoint: server.origin + '/client/v4',
        secret: TOKEN,
        zone: '023e105f4ecef8ad9ca31a8372d0c353',
        'site-url': 'https://www.example.com',
        'rate-limit': '4/s burst 2',
        concurrency: '1',
        tags: tags(150).join(','),
        paths: '/blog/a, /',
      },
      node,
    );
    expect(run.code).toBe(0);
    expect(run.outputs.revalidated).toBe('152');
    // The 429 on the first request, then the same body again; then 50 tags; then the paths.
    expect(server.requests.map((r) => [r.method, r.url])).toEqual(
      Array(4).fill(['POST', '/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache']),
    );
    expect(body(server, 0)).toEqual({ tags: tags(100) });
    expect(body(server, 1)).toEqual({ tags: tags(100) });
    expect(body(server, 2)).toEqual({ tags: tags(150).slice(100) });
    expect(body(server, 3)).toEqual({ files: ['https://www.example.com/', 'https://www.example.com/blog/a'] });
    for (const r of server.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.headers['content-type']).toBe('application/json');
    }
    // Retry-After: 1 is waited out; 4 requests at 4/s with a burst of 2 cannot be faster than 0.5 s.
    expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(950);
    expect(run.stdout).toContain('the rate limit (4/s burst 2)');
    noLeak(run);
  });

  it('cloudflare: the invalidate variant and prefixes; success false and a bad token are clear messages', async () => {
    const server = await serve((ex) => {
      const sent = JSON.parse(ex.request.body) as { tags?: string[]; prefixes?: string[] };
      if (sent.tags)
        return json(ex, 200, { success: false, errors: [{ code: 1134, message: 'Cache tag too long' }], messages: [], result: null });
      json(ex, 200, { success: true, errors: [], messages: [], result: { id: 'x' } });
    }, '/zones/Z1/invalidate_cache');
    const endpoints = [
      `- url: ${server.origin}`,
      '  receiver: cloudflare',
      '  secret-env: CF_TOKEN',
      '  zone: Z1',
      '  mode: invalidate',
      '  paths-as: prefixes',
      '  site-url: https://www.example.com/docs',
    ].join('\n');
    const run = await dispatch({ endpoints, tags: 'a', paths: '/guide' }, node, { CF_TOKEN: TOKEN });
    expect(server.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { tags: ['a'] },
      { prefixes: ['www.example.com/docs/guide'] },
    ]);
    expect(run.code).toBe(1);
    expect(failed(run)).toEqual([
      {
        type: 'tag',
        value: 'a',
        status: 200,
        error: 'HTTP 200 but Cloudflare says success: false: 1134 Cache tag too long',
        endpoint: server.origin + '/',
      },
    ]);

    const refusing = await serve(
      (ex) => json(ex, 403, { success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null }),
      '/zones/Z2/purge_cache',
    );
    const denied = await dispatch({ receiver: 'cloudflare', endpoint: refusing.origin, secret: TOKEN, zone: 'Z2', tags: 'a, b, c' }, node);
    expect(refusing.requests).toHaveLength(1);
    expect(failed(denied)[0]?.error).toBe(
      "HTTP 403: the endpoint refused the secret sent in the `authorization` header (bearer token); check the Cloudflare API token (it needs the Zone › Cache Purge permission for this zone) and `zone` against the site's configuration; the API says: 10000 Authentication error",
    );
    noLeak(denied);
  });

  it('cloudflare without site-url takes no paths: a configuration error when it is the only endpoint', async () => {
    const server = await serve((ex) => json(ex, 200, { success: true }));
    const run = await dispatch(
      {
        receiver: 'cloudflare',
        endpoint: server.origin,
        secret: TOKEN,
        zone: 'Z',
        paths: '/a',
        mapping: '- files: content/**\n  paths: /x',
      },
      node,
    );
    expect(run.code).toBe(1);
    expect(server.requests).toEqual([]);
    expect(run.stdout).toContain('produce paths, but no endpoint takes paths: cloudflare');
  });

  it('netlify: {site_id, cache_tags} to /purge, 202; a refused token stops after one request', async () => {
    const server = await serve((ex) => {
      ex.res.writeHead(202).end();
      ex.finish();
    }, '/api/v1/purge');
    const run = await dispatch(
      { receiver: 'netlify', endpoint: `${server.origin}/api/v1`, secret: TOKEN, 'site-id': 'site-123', tags: tags(120).join(',') },
      node,
    );
    expect(run.code).toBe(0);
    expect(server.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { site_id: 'site-123', cache_tags: tags(100) },
      { site_id: 'site-123', cache_tags: tags(120).slice(100) },
    ]);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(run.stdout).toContain('the rate limit (500/min)');

    const refusing = await serve(
      (ex) => json(ex, 401, { code: 401, message: 'Access Denied: Origin returned bad status 401' }),
      '/api/v1/purge',
    );
    const denied = await dispatch(
      {
        receiver: 'netlify',
        endpoint: `${refusing.origin}/api/v1`,
        secret: TOKEN,
        'site-id': 's',
        tags: tags(250).join(','),
        'batch-size': '100',
      },
      node,
    );
    expect(refusing.requests).toHaveLength(1);
    expect(denied.code).toBe(1);
    expect(failed(denied)[0]?.error).toContain(
      'HTTP 401: the endpoint refused the secret sent in the `authorization` header (bearer token): Access Denied',
    );
    noLeak(denied);
  });

  it('vercel-tags: invalidate-by-tags with project and team; a tag over 256 characters is refused before sending; errors by their message', async () => {
    let n = 0;
    const server = await serve((ex) => {
      n += 1;
      if (n === 1) return json(ex, 500, { error: { code: 'internal_server_error', message: 'An unexpected error occurred' } });
      json(ex, 200, {});
    }, '/v1/edge-cache/invalidate-by-tags');
    const run = await dispatch(
      { receiver: 'vercel-tags', endpoint: server.origin, secret: TOKEN, project: 'prj_1', team: 'team_2', tags: 'posts, authors' },
      node,
    );
    expect(run.code).toBe(0);
    expect(server.requests.map((r) => [r.method, r.url, JSON.parse(r.body) as unknown])).toEqual([
      ['POST', '/v1/edge-cache/invalidate-by-tags?projectIdOrName=prj_1&teamId=team_2', { tags: ['authors', 'posts'] }],
      ['POST', '/v1/edge-cache/invalidate-by-tags?projectIdOrName=prj_1&teamId=team_2', { tags: ['authors', 'posts'] }],
    ]);
    const bad = await serve(
      (ex) => json(ex, 400, { error: { code: 'bad_request', message: 'Invalid request: `tags` should be array' } }),
      '/v1/edge-cache/invalidate-by-tags',
    );
    const badRun = await dispatch({ receiver: 'vercel-tags', endpoint: bad.origin, secret: TOKEN, project: 'p', tags: 'posts' }, node);
    expect(failed(badRun)).toEqual([
      { type: 'tag', value: 'posts', status: 400, error: 'HTTP 400: bad_request: Invalid request: `tags` should be array' },
    ]);

    // Longer than Vercel (and Next.js) allow: the mapping already keeps it back, the rest is sent.
    const long = 'x'.repeat(257);
    const refused = await dispatch(
      { receiver: 'vercel-tags', endpoint: server.origin, secret: TOKEN, project: 'p', tags: `ok, ${long}` },
      node,
    );
    expect(JSON.parse(server.requests.at(-1)?.body ?? '')).toEqual({ tags: ['ok'] });
    expect(failed(refused).map((f) => [f.value.length, f.status])).toEqual([[257, null]]);
    noLeak(run);
  });

  it('next-pages: ?secret=&path= as the Next.js docs show it; tags are a configuration error; 401 by its message', async () => {
    const server = await serve((ex) => {
      const url = new URL(ex.request.url, 'http://x');
      if (url.searchParams.get('secret') !== TOKEN) return json(ex, 401, { message: 'Invalid token' });
      if (url.searchParams.get('path') === '/broken') return text(ex, 500, 'Error revalidating');
      json(ex, 200, { revalidated: true });
    });
    const run = await dispatch({ receiver: 'next-pages', endpoint: server.url, secret: TOKEN, paths: '/blog/a b, /broken' }, node);
    expect(server.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', `/api/revalidate?secret=${encodeURIComponent(TOKEN)}&path=%2Fblog%2Fa%20b`, ''],
      ['POST', `/api/revalidate?secret=${encodeURIComponent(TOKEN)}&path=%2Fbroken`, ''],
      ['POST', `/api/revalidate?secret=${encodeURIComponent(TOKEN)}&path=%2Fbroken`, ''],
      ['POST', `/api/revalidate?secret=${encodeURIComponent(TOKEN)}&path=%2Fbroken`, ''],
    ]);
    expect(failed(run)).toEqual([
      {
        type: 'path',
        value: '/broken',
        status: 500,
        error: 'HTTP 500: Error revalidating (gave up after 3 attempts; input `retries` is 2)',
      },
    ]);
    noLeak(run);

    const tagged = await dispatch({ receiver: 'next-pages', endpoint: server.url, secret: TOKEN, tags: 'posts' }, node);
    expect(tagged.code).toBe(1);
    expect(tagged.stdout).toContain('the `tags` input produces tags, but no endpoint takes tags: next-pages');

    const wrong = await dispatch({ receiver: 'next-pages', endpoint: server.url, secret: 'not-the-token', paths: '/a, /b' }, node);
    expect(failed(wrong)[0]?.error).toBe(
      "HTTP 401: the endpoint refused the secret sent in the `secret` query parameter: Invalid token; check the secret against the route's own (`req.query.secret`) against the site's configuration",
    );
    expect(failed(wrong)[1]?.status).toBeNull();
  });

  it('vercel-bypass: GET each path with x-prerender-revalidate on the site origin; a 404 counts; "//host" stays on the site', async () => {
    const server = await serve((ex) => {
      if (ex.request.url === '/gone') return text(ex, 404, 'Not Found');
      text(ex, 200, '<html>ok</html>');
    }, '/');
    const run = await dispatch(
      { receiver: 'vercel-bypass', endpoint: server.origin, secret: TOKEN, paths: '/blog/a, /gone, //evil.example/x', concurrency: '1' },
      node,
    );
    expect(run.code).toBe(0);
    expect(server.requests.map((r) => [r.method, r.url, r.headers['x-prerender-revalidate']])).toEqual([
      ['GET', '/blog/a', TOKEN],
      ['GET', '/evil.example/x', TOKEN], // the path joined to the site's origin as text: never another host
      ['GET', '/gone', TOKEN],
    ]);
    expect(run.stdout).toContain('HTTP 404: the page is gone; its cached copy now answers 404');
    noLeak(run);
  });

  it('a Pages Router site and Cloudflare in front: paths to the site, tags to Cloudflare; what each does not take is reported as not sent there, and the run succeeds', async () => {
    const site = await serve((ex) => json(ex, 200, { revalidated: true }));
    const cf = await serve((ex) => json(ex, 200, { success: true, errors: [], messages: [], result: { id: 'p' } }), '/zones/Z/purge_cache');
    const endpoints = [
      `- url: ${site.url}`,
      '  receiver: next-pages',
      '  secret-env: SITE_SECRET',
      `- url: ${cf.origin}`,
      '  receiver: cloudflare',
      '  secret-env: CF_TOKEN',
      '  zone: Z',
    ].join('\n');
    const run = await dispatch({ endpoints, paths: '/blog/a', tags: 'posts' }, node, { SITE_SECRET: 'site-secret-123', CF_TOKEN: TOKEN });
    expect(run.code).toBe(0);
    expect(site.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('path'))).toEqual(['/blog/a']);
    expect(cf.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([{ tags: ['posts'] }]);
    expect(cf.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(site.requests[0]?.headers.authorization).toBeUndefined();
    expect(run.outputs.revalidated).toBe('2');
    expect(run.stdout).toContain(`not sent to ${site.url} (next-pages): tag posts: takes paths only`);
    expect(run.summary).toContain('Not taken by an endpoint');
    noLeak(run);
  });
});
