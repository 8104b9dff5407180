/**
 * The site side users copy (examples/next-app-router): both routes served over real HTTP on
 * 127.0.0.1 and called by the real command (dist/cli.js). Next.js itself is not installed
 * here, so `next/cache` is a recorder and the Pages Router's req/res helpers are a thin adapter;
 * what is tested is the routes' own code: secret check, body validation, the calls they make.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOT } from '../helpers/action.js';
import { tempDir } from '../helpers/git.js';

const calls: Array<[string, ...unknown[]]> = [];
vi.mock('next/cache', () => ({
  revalidatePath: (path: string, type?: string) => calls.push(['revalidatePath', path, ...(type ? [type] : [])]),
  revalidateTag: (tag: string, profile: unknown) => calls.push(['revalidateTag', tag, profile]),
}));

const { POST } = await import('../../examples/next-app-router/app/api/revalidate/route.js');
const { default: pagesHandler } = await import('../../examples/next-app-router/pages/api/revalidate.js');

const SECRET = 'site-secret-for-tests';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Serves the App Router route: node request → web Request → POST → web Response. */
async function appRouterServer(): Promise<Server> {
  return listen(async (req, res) => {
    const body = await readBody(req);
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method ?? 'GET',
      headers: req.headers as Record<string, string>,
      body,
    });
    const response = await POST(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(await response.text());
  });
}

/** Serves the Pages Router handler with the helpers Next.js adds to req and res. */
async function pagesRouterServer(): Promise<Server> {
  return listen(async (req, res) => {
    const text = await readBody(req);
    let body: unknown = text;
    if ((req.headers['content-type'] ?? '').includes('application/json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const apiReq = Object.assign(req, { body, query: Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams) });
    const apiRes = Object.assign(res, {
      status(code: number) {
        res.statusCode = code;
        return apiRes;
      },
      json(value: unknown) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(value));
      },
      async revalidate(path: string) {
        calls.push(['res.revalidate', path]);
        if (path === '/broken') throw new Error('Invalid response 404');
      },
    });
    await pagesHandler(apiReq, apiRes);
  });
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<Server> {
  const server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      res.statusCode = 599;
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/revalidate`;

function cli(args: string[], secret: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args, '--json', '--retries', '0'], {
    cwd: tempDir(),
    env: { PATH: process.env.PATH ?? '', REVALIDATION_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

const post = (server: Server, body: string, secret = SECRET) =>
  fetch(url(server), { method: 'POST', headers: { 'content-type': 'application/json', 'x-revalidation-secret': secret }, body });

let app: Server;
let pages: Server;
beforeAll(async () => {
  process.env.REVALIDATION_SECRET = SECRET;
  app = await appRouterServer();
  pages = await pagesRouterServer();
});
afterAll(() => {
  app.close();
  pages.close();
});
afterEach(() => {
  calls.length = 0;
});

describe('App Router route (examples/next-app-router/app/api/revalidate/route.ts)', () => {
  it('revalidates paths and tags the action sends, tags with { expire: 0 }', async () => {
    const run = await cli(['--endpoint', url(app), '--paths', '/blog/hello,/', '--tags', 'posts'], SECRET);
    expect(run.stderr).not.toMatch(/^(error|warning):/m);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ revalidated: '3', failed: '[]' });
    expect(calls.sort()).toEqual([
      ['revalidatePath', '/'],
      ['revalidatePath', '/blog/hello'],
      ['revalidateTag', 'posts', { expire: 0 }],
    ]);
  });

  it('refuses a wrong secret (of any length) with 401, and the action reports it', async () => {
    for (const wrong of ['', 'x', SECRET.slice(0, -1), `${SECRET}x`, SECRET.toUpperCase()]) {
      const reply = await post(app, '{"type":"tag","value":"posts"}', wrong);
      expect(reply.status).toBe(401);
      expect(await reply.json()).toEqual({ error: 'Invalid secret' });
    }
    const run = await cli(['--endpoint', url(app), '--tags', 'posts'], 'wrong');
    expect(run.code).toBe(1);
    const failed = JSON.parse((JSON.parse(run.stdout) as { failed: string }).failed) as Array<{ status: number; error: string }>;
    expect(failed[0]?.status).toBe(401);
    expect(failed[0]?.error).toContain('Invalid secret');
    expect(calls).toEqual([]);
  });

  it('validates the body with a message for each mistake', async () => {
    const cases: Array<[string, string]> = [
      ['not json', 'Invalid JSON body'],
      ['[]', 'Invalid type'],
      ['{"type":"page","value":"/x"}', 'Invalid type: must be "path" or "tag"'],
      ['{"type":"path"}', 'Invalid value: must be a non-empty string'],
      ['{"type":"path","value":"blog"}', 'Invalid path: must start with "/"'],
      ['{"type":"path","value":"/blog?x=1"}', 'Invalid path: a site path has no query string'],
      [JSON.stringify({ type: 'tag', value: 't'.repeat(257) }), 'Invalid tag: longer than 256 characters'],
    ];
    for (const [body, message] of cases) {
      const reply = await post(app, body);
      expect(reply.status, body).toBe(400);
      expect(((await reply.json()) as { error: string }).error).toContain(message);
    }
    expect(calls).toEqual([]);
  });

  it('takes the batch body too: the action with `--receiver batch` sends one request, each target gets its result', async () => {
    let requests = 0;
    const counting = await listen(async (req, res) => {
      requests += 1;
      const response = await POST(
        new Request(`http://127.0.0.1${req.url}`, {
          method: 'POST',
          headers: req.headers as Record<string, string>,
          body: await readBody(req),
        }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(await response.text());
    });
    try {
      const run = await cli(['--endpoint', url(counting), '--receiver', 'batch', '--paths', '/blog/hello,/', '--tags', 'posts'], SECRET);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ revalidated: '3', failed: '[]' });
      expect(requests).toBe(1);
    } finally {
      counting.close();
    }
    expect(calls.sort()).toEqual([
      ['revalidatePath', '/'],
      ['revalidatePath', '/blog/hello'],
      ['revalidateTag', 'posts', { expire: 0 }],
    ]);
  });

  it('a bad target in a batch fails alone, with its reason in its result', async () => {
    const reply = await post(
      app,
      JSON.stringify({
        targets: [
          { type: 'path', value: '/a' },
          { type: 'path', value: 'b' },
          { type: 'tag', value: 'x' },
        ],
      }),
    );
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as { revalidated: boolean; results: unknown[] };
    expect(body.revalidated).toBe(false);
    expect(body.results).toEqual([
      { type: 'path', value: '/a', revalidated: true },
      { type: 'path', value: 'b', revalidated: false, error: 'Invalid path: must start with "/"' },
      { type: 'tag', value: 'x', revalidated: true },
    ]);
    expect((await post(app, '{"targets": []}')).status).toBe(400);
    expect((await post(app, JSON.stringify({ targets: Array(1001).fill({ type: 'tag', value: 'x' }) }))).status).toBe(400);
  });

  it('says so when the server has no secret configured', async () => {
    delete process.env.REVALIDATION_SECRET;
    try {
      const reply = await post(app, '{"type":"tag","value":"posts"}');
      expect(reply.status).toBe(500);
      expect(await reply.json()).toEqual({ error: 'REVALIDATION_SECRET is not set on the server' });
    } finally {
      process.env.REVALIDATION_SECRET = SECRET;
    }
  });
});

describe('Pages Router route (examples/next-app-router/pages/api/revalidate.ts)', () => {
  it('revalidates paths with res.revalidate and refuses tags with a clear 400', async () => {
    const run = await cli(['--endpoint', url(pages), '--paths', '/blog/hello,/broken', '--tags', 'posts'], SECRET);
    expect(run.code).toBe(1);
    const outputs = JSON.parse(run.stdout) as { revalidated: string; failed: string };
    expect(outputs.revalidated).toBe('1');
    const failed = JSON.parse(outputs.failed) as Array<{ value: string; status: number; error: string }>;
    expect(failed.map((f) => [f.value, f.status])).toEqual([
      ['/broken', 500],
      ['posts', 400],
    ]);
    expect(failed[0]?.error).toContain('Failed to revalidate /broken: Invalid response 404');
    expect(failed[1]?.error).toContain('the Pages Router revalidates paths only');
    expect(calls.sort()).toEqual([
      ['res.revalidate', '/blog/hello'],
      ['res.revalidate', '/broken'],
    ]);
  });

  it('takes the Next.js docs form too (?secret=&path=): the action with `--receiver next-pages`', async () => {
    const run = await cli(['--endpoint', url(pages), '--receiver', 'next-pages', '--paths', '/blog/hello,/'], SECRET);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ revalidated: '2', failed: '[]' });
    expect(calls.sort()).toEqual([
      ['res.revalidate', '/'],
      ['res.revalidate', '/blog/hello'],
    ]);
  });

  it('refuses a wrong secret and other methods', async () => {
    expect((await post(pages, '{"type":"path","value":"/"}', 'nope')).status).toBe(401);
    const get = await fetch(url(pages));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(calls).toEqual([]);
  });
});
