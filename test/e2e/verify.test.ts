/**
 * End to end, `verify`: the bundled action revalidates pages of the real Next.js 16 site, then
 * visits them and reports what the site now serves. Built and served from its own distDir
 * (.next-verify), with the pages under app/verify/ and the stale-while-revalidate route
 * app/api/revalidate-max/. Each test checks the page's old state first, so a stale page cannot
 * pass for a fresh one.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction, type ActionRun } from '../helpers/action.js';
import { TestRepo } from '../helpers/git.js';
import { commitPush, serveContent, type RunningSite } from './next-site.js';

const SECRET = randomBytes(16).toString('hex');
const DIST = '.next-verify';
const MAPPING = `
- files: content/verify/[slug].md
  paths: ["/verify/[slug]", /verify]
  tags: verify
`;
const NODE = nodeRuntimes().at(-1)?.path;

let repo: TestRepo;
let site: RunningSite;

interface Unverified {
  path: string;
  status: number | null;
  expected: string;
  result: string;
  evidence: string;
}

beforeAll(async () => {
  ({ repo, site } = await serveContent(
    {
      'content/verify/edited.md': '# Edited\nThe first version.',
      'content/verify/doomed.md': '# Doomed\nThis page will be deleted.',
      'content/verify/lazy.md': '# Lazy\nThe first version, revalidated with max.',
      'content/verify/broken.md': '# Broken\nRenders fine until the push.',
    },
    { secret: SECRET, distName: DIST },
  ));
}, 300_000);

afterAll(async () => {
  await site?.stop();
});

async function pushAndVerify(files: Record<string, string | null>, endpoint = site.endpoint): Promise<ActionRun> {
  return runAction({
    ...(NODE ? { node: NODE } : {}),
    workspace: repo.dir,
    event: commitPush(repo, files),
    inputs: { endpoint, secret: SECRET, mapping: MAPPING, verify: 'true' },
    timeoutMs: 120_000,
  });
}

/** Visits until the page is cached (a HIT), as readers would have made it before the push. */
async function cached(path: string, status = 200) {
  await site.visit(path);
  const visit = await site.visit(path);
  expect(visit.status, path).toBe(status);
  expect(visit.cache, `${path} x-nextjs-cache`).toBe('HIT');
  return visit;
}

const unverified = (run: ActionRun) => JSON.parse(run.outputs.unverified ?? '[]') as Unverified[];
const log = (run: ActionRun) => run.stdout + run.stderr;

describe('verify on a real Next.js site (next start)', () => {
  it('after an edit, verification sees the new text served fresh', async () => {
    expect((await cached('/verify/edited')).body).toContain('The first version.');

    const run = await pushAndVerify({ 'content/verify/edited.md': '# Edited\nThe second version.' });

    expect(run.code, log(run)).toBe(0);
    expect(log(run)).toMatch(/✓ \/verify\/edited HTTP 200 fresh .*x-nextjs-cache: (MISS|REVALIDATED)/);
    expect(run.outputs.verified).toBe('2');
    expect((await site.visit('/verify/edited')).body).toContain('The second version.');
    expect(run.summary).toContain('Verification');
  });

  it('after a delete, the page must be gone: verification sees the 404, and the index still served', async () => {
    await cached('/verify/doomed');
    await cached('/verify');

    const run = await pushAndVerify({ 'content/verify/doomed.md': null });

    expect(run.code, log(run)).toBe(0);
    expect(log(run)).toMatch(/✓ \/verify\/doomed HTTP 404 fresh \(expected 404 or 410; 1 visit/);
    expect(log(run)).toMatch(/✓ \/verify HTTP 200 fresh \(expected 200; 1 visit/);
    expect(run.outputs.verified).toBe('2');
    expect(unverified(run)).toEqual([]);
    expect((await site.visit('/verify/doomed')).status).toBe(404);
  });

  it("with revalidateTag(tag, 'max') the first visit is STALE, and verification waits for the fresh one", async () => {
    expect((await cached('/verify/lazy')).body).toContain('The first version, revalidated with max.');
    await cached('/verify');

    const run = await pushAndVerify({ 'content/verify/lazy.md': '# Lazy\nThe second version.' }, `${site.origin}/api/revalidate-max`);

    expect(run.code, log(run)).toBe(0);
    const line = /^✓ \/verify\/lazy HTTP 200 fresh \(expected 200; (\d+) visits, .*$/m.exec(log(run));
    expect(line, log(run)).not.toBeNull();
    expect(Number(line?.[1])).toBeGreaterThanOrEqual(2);
    expect(line?.[0]).toMatch(/: x-nextjs-cache: (HIT|MISS|REVALIDATED)\b.*; visit 1 was stale: x-nextjs-cache: STALE$/);
    // The index's data carries no tag this route marks: the same copy as before, which the headers cannot tell from a fresh one.
    expect(unverified(run)).toEqual([
      {
        path: '/verify',
        status: 200,
        expected: '200',
        result: 'unconfirmed',
        evidence: 'x-nextjs-cache: HIT; the same copy as before the revalidation',
      },
    ]);
    // Verification's visits warmed the page: the next reader gets the new text at once.
    const visit = await site.visit('/verify/lazy');
    expect(visit.cache).toBe('HIT');
    expect(visit.body).toContain('The second version.');
  });

  it('a page whose rebuild throws is reported, and fails the step', async () => {
    await cached('/verify/broken');

    const run = await pushAndVerify({ 'content/verify/broken.md': '# Broken\nTHROW' });

    expect(run.code, log(run)).toBe(1);
    expect(run.outputs.revalidated).toBe('3');
    const broken = unverified(run).find((u) => u.path === '/verify/broken');
    expect(broken, log(run)).toMatchObject({ status: 500, expected: '200', result: 'wrong-status' });
    expect(log(run)).toContain('1 of 2 path(s) failed verification');
    expect(run.stdout).toMatch(/^::error title=isr-revalidate%3A not verified::wrong status: \/verify\/broken \(HTTP 500\)/m);
  });
});
