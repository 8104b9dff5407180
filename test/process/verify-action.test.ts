/**
 * `verify` in the bundled action as a whole process (node dist/index.js under the host's Node
 * and Node 24): after delivery it visits every revalidated path on a site on 127.0.0.1 whose
 * pages misbehave on purpose — stale then fresh, never fresh, 500 on rebuild, 200 for a deleted
 * page, a redirect to another origin, a page that never answers (bounded by `timeout`), a HIT
 * that cannot be told from the copy before — and reports each as it is.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nodeRuntimes, ROOT, runAction, visibleLog, type ActionRun } from '../helpers/action.js';
import { type Exchange, type FaultServer, ok, serveFaults } from '../helpers/faulty.js';
import { TestRepo } from '../helpers/git.js';

const SECRET = 'verify-process-secret-9Zq';
const BYPASS = 'bypass-token-4Kd7';
const serve = serveFaults();

interface Unverified {
  path: string;
  status: number | null;
  expected: string;
  result: string;
  evidence: string;
}
const unverified = (run: ActionRun) =>
  Object.fromEntries((JSON.parse(run.outputs.unverified ?? 'null') as Unverified[]).map((u) => [u.path, u]));

/**
 * The site and its revalidation route on one origin. Before the first POST every page is the
 * old cached copy; after it, each page answers as its name says. `gets` counts the visits after
 * delivery per path.
 */
async function startSite(): Promise<{ server: FaultServer; gets: Map<string, number> }> {
  let delivered = false;
  const gets = new Map<string, number>();
  const page = (ex: Exchange, status: number, headers: Record<string, string>, body = 'page') => {
    ex.res.writeHead(status, { 'content-type': 'text/html', ...headers });
    ex.res.end(body);
  };
  const server = await serve((ex) => {
    if (ex.request.method === 'POST') {
      delivered = true;
      ok(ex);
      return;
    }
    const path = ex.request.url;
    if (!delivered) return page(ex, 200, { 'x-nextjs-cache': 'HIT', etag: '"old"' }, 'old');
    const n = (gets.get(path) ?? 0) + 1;
    gets.set(path, n);
    switch (path) {
      case '/fresh':
      case '/blog':
        return page(ex, 200, { 'x-nextjs-cache': 'MISS', etag: '"new"' }, 'new');
      case '/swr': // stale-while-revalidate: the first visitor gets the old copy
        return n === 1
          ? page(ex, 200, { 'x-nextjs-cache': 'STALE', etag: '"old"' }, 'old')
          : page(ex, 200, { 'x-nextjs-cache': 'HIT', etag: '"new"' }, 'new');
      case '/never':
        return page(ex, 200, { 'cf-cache-status': 'STALE', age: '86400' }, 'old');
      case '/broken':
        return page(ex, 500, {}, 'Internal Server Error');
      case '/blog/gone': // the file is deleted, the page still served
        return page(ex, 200, { 'x-vercel-cache': 'HIT', age: '0' }, 'still here');
      case '/moved':
        return page(ex, 308, { location: `https://elsewhere.example/moved?t=${BYPASS}` });
      case '/unsure':
        return page(ex, 200, { 'x-nextjs-cache': 'HIT', etag: '"old"' }, 'old');
      case '/busy': // a rebuild queue full once: Retry-After waited out, as delivery does
        return n === 1 ? page(ex, 503, { 'retry-after': '0' }) : page(ex, 200, { 'x-nextjs-cache': 'MISS' }, 'new');
      case '/rate-limited': // asks for an hour: no more tries
        return page(ex, 429, { 'retry-after': '3600' });
      case '/slow':
        return; // never answers
      default:
        return page(ex, 404, {});
    }
  }, '/api/revalidate');
  return { server, gets };
}

/** A push that deletes content/blog/gone.md, plus the other pages as explicit paths. */
function pushRepo(): { repo: TestRepo; event: object } {
  const repo = TestRepo.create();
  repo.write({ 'content/blog/gone.md': '# Gone', 'content/blog/kept.md': '# Kept' });
  const before = repo.commit('initial');
  repo.write({ 'content/blog/gone.md': null });
  const after = repo.commit('delete a post');
  return { repo, event: { ref: 'refs/heads/main', before, after, created: false, deleted: false } };
}

const MAPPING = `
- files: content/blog/[slug].md
  paths: ["/blog/[slug]", /blog]
  tags: posts
`;

function run(server: FaultServer, node: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const { repo, event } = pushRepo();
  return runAction({
    node,
    workspace: repo.dir,
    event,
    timeoutMs: 120_000,
    inputs: {
      endpoint: server.url,
      secret: SECRET,
      mapping: MAPPING,
      paths: '/fresh, /swr, /never, /broken, /moved, /unsure, /slow',
      retries: '1',
      timeout: '1',
      verify: 'true',
      'verify-headers': `x-bypass: ${BYPASS}`,
      ...inputs,
    },
  });
}

describe.each(nodeRuntimes())('verify in node dist/index.js ($name)', ({ path: node }) => {
  it('visits every revalidated path and reports what each served', async () => {
    const { server, gets } = await startSite();
    const result = await run(server, node);
    const log = visibleLog(result);

    // Delivery itself went well: verification is reported apart from it, and fails the step.
    expect(result.outputs.revalidated).toBe('10');
    expect(result.outputs.failed).toBe('[]');
    expect(result.code, log).toBe(1);
    expect(log).toContain('5 of 9 path(s) failed verification'); // unconfirmed is no failure
    expect(result.outputs.verified).toBe('3'); // /fresh, /swr (on its second visit), /blog

    const u = unverified(result);
    expect(Object.keys(u).sort()).toEqual(['/blog/gone', '/broken', '/moved', '/never', '/slow', '/unsure']);
    expect(u['/never']).toMatchObject({ status: 200, expected: '200', result: 'stale' });
    expect(u['/never']?.evidence).toMatch(/^still stale after 5 visits over 7\.5 s: cf-cache-status: STALE; age: 86400/);
    expect(u['/broken']).toMatchObject({ status: 500, expected: '200', result: 'wrong-status' });
    expect(u['/blog/gone']).toMatchObject({ status: 200, expected: '404 or 410', result: 'wrong-status' });
    expect(u['/blog/gone']?.evidence).toBe('expected 404 or 410; x-vercel-cache: HIT; age: 0');
    expect(u['/moved']).toMatchObject({ status: 308, result: 'wrong-status' });
    // The Location is shown, with the header's value (a secret) masked out of it.
    expect(u['/moved']?.evidence).toBe('redirects to https://elsewhere.example/moved?t=*** (another origin, not followed)');
    expect(u['/slow']).toMatchObject({ status: null, result: 'error', evidence: 'no answer within 1 s (timeout) (after 2 tries)' });
    expect(u['/unsure']).toMatchObject({
      status: 200,
      result: 'unconfirmed',
      evidence: 'x-nextjs-cache: HIT; the same copy as before the revalidation',
    });

    // Visits after delivery: 1 per fresh page, 2 for stale-then-fresh, 5 for never-fresh, 1 + retries for a 500.
    expect(log).toMatch(
      /^✓ \/swr HTTP 200 fresh \(expected 200; 2 visits, \d+ ms\): x-nextjs-cache: HIT; new etag "new" since before the revalidation; visit 1 was stale: x-nextjs-cache: STALE$/m,
    );
    expect(Object.fromEntries(gets)).toMatchObject({ '/fresh': 1, '/blog': 1, '/swr': 2, '/never': 5, '/broken': 2, '/slow': 2 });
    // Tags are not visited; the visits carry only the header asked for, never the secret.
    const visits = server.requests.filter((r) => r.method === 'GET');
    expect(visits.some((r) => r.url.includes('posts'))).toBe(false);
    for (const r of visits) {
      expect(Object.keys(r.headers).sort()).toEqual(['connection', 'host', 'x-bypass']);
      expect(r.headers['x-bypass']).toBe(BYPASS);
    }
    for (const r of server.requests.filter((r) => r.method === 'POST')) expect(r.headers['x-bypass']).toBeUndefined();

    // The summary's section, an annotation per failure, and no secret anywhere shown.
    expect(result.summary).toContain('### 🔎 Verification (9 paths on <code>http\\://127.0.0.1:');
    expect(result.summary).toContain('✅ **3 fresh** · ❔ **1 unconfirmed** · ❌ **5 failed**');
    expect(result.summary).toMatch(
      /\| 📄 <code>\/never<\/code> \| 200 \| ❌ stale \| 200 \| still stale after 5 visits over 7\.5 s: cf-cache-status: STALE; age: 86400 \| 5 \| [\d.]+ s \|/,
    );
    expect(result.summary).toContain(
      '**Tags are not visited** (a tag has no address); the paths from the same changed files stood in for them: 🏷️ <code>posts</code>: checked through <code>/blog</code>, <code>/blog/gone</code>',
    );
    const annotations = result.stdout.split('\n').filter((l) => l.startsWith('::error title=isr-revalidate%3A not verified::'));
    expect(annotations).toHaveLength(5);
    expect(result.stdout).toContain(`::add-mask::${BYPASS}`);
    for (const shown of [log, result.summary, JSON.stringify(result.outputs)]) {
      expect(shown).not.toContain(BYPASS);
      expect(shown).not.toContain(SECRET);
    }
  }, 120_000);
});

describe('verify: warn, and verify off', () => {
  const node = nodeRuntimes().at(-1)?.path ?? process.execPath;

  it('warn: the same failures are warnings and the step succeeds', async () => {
    const { server, gets } = await startSite();
    const result = await run(server, node, { verify: 'warn', paths: '/fresh, /broken, /busy, /rate-limited', retries: '2' });
    expect(result.code, visibleLog(result)).toBe(0);
    expect(result.outputs.verified).toBe('3'); // /fresh, /blog and /busy (on its second try)
    expect(Object.keys(unverified(result)).sort()).toEqual(['/blog/gone', '/broken', '/rate-limited']);
    expect(unverified(result)['/rate-limited']).toMatchObject({ status: 429, result: 'wrong-status' });
    expect(Object.fromEntries(gets)).toMatchObject({ '/busy': 2, '/rate-limited': 1, '/broken': 3 });
    expect(result.stdout).toMatch(/^::warning title=isr-revalidate%3A not verified::wrong status: \/broken \(HTTP 500\)/m);
    expect(result.stdout).toContain('::warning::3 of 6 path(s) failed verification on http://127.0.0.1:');
  }, 60_000);

  it('off (the default): nothing is visited, the outputs say so', async () => {
    const { server } = await startSite();
    const result = await run(server, node, { verify: '', 'verify-headers': '' });
    expect(result.code, visibleLog(result)).toBe(0);
    expect(server.requests.filter((r) => r.method === 'GET')).toEqual([]);
    expect(result.outputs).toMatchObject({ verified: '0', unverified: '[]' });
    expect(result.summary).not.toContain('Verification');
  }, 60_000);
});

describe('verify on the command line (dist/cli.js)', () => {
  it('--verify, --site-url and --verify-headers-env: the same visits, exit 1 on a failure, the outputs in --json', async () => {
    const { server } = await startSite();
    const { repo } = pushRepo();
    const args = ['--endpoint', server.url, '--paths', '/fresh,/broken', '--retries', '0', '--verify', '--site-url', `${server.origin}/`];
    const run = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'dist/cli.js'), ...args, '--verify-headers-env', 'BYPASS_HEADERS', '--json'],
      {
        cwd: repo.dir,
        env: { PATH: process.env.PATH ?? '', REVALIDATION_SECRET: SECRET, BYPASS_HEADERS: `x-bypass: ${BYPASS}` },
      },
    ).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(run.code, run.stderr).toBe(1);
    const outputs = JSON.parse(run.stdout) as Record<string, string>;
    expect(outputs.verified).toBe('1');
    expect(JSON.parse(outputs.unverified ?? '')).toEqual([
      { path: '/broken', status: 500, expected: '200', result: 'wrong-status', evidence: 'expected 200; no cache headers' },
    ]);
    expect(run.stderr).toContain('error: wrong status: /broken (HTTP 500): expected 200; no cache headers');
    expect(run.stderr).toContain('error: 1 of 2 path(s) failed verification');
    const visits = server.requests.filter((r) => r.method === 'GET');
    expect(visits.length).toBeGreaterThan(0);
    for (const r of visits) expect(r.headers['x-bypass']).toBe(BYPASS);
    expect(run.stdout + run.stderr).not.toContain(BYPASS);
  }, 60_000);
});
