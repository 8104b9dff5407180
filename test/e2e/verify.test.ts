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
import { buildSite, installSite, startSite, type RunningSite } from './next-site.js';

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
  repo = TestRepo.create();
  repo.write({
    'content/verify/edited.md': '# Edited\nThe first version.',
    'content/verify/doomed.md': '# Doomed\nThis page will be deleted.',
    'content/verify/lazy.md': '# Lazy\nThe first version, revalidated with max.',
    'content/verify/broken.md': '# Broken\nRenders fine until the push.',
  });
  repo.commit('initial content');
  await installSite();
  await buildSite(repo.dir, DIST);
  site = await startSite({ contentDir: repo.dir, secret: SECRET, distName: DIST });
}, 300_000);

afterAll(async () => {
  await site?.stop();
});

async function pushAndVerify(files: Record<string, string | null>, endpoint = site.endpoint): Promise<ActionRun> {
  const before = repo.head();
  repo.write(files);
  const after = repo.commit('content change');
  return runAction({
    ...(NODE ? { node: NODE } : {}),
    workspace: repo.dir,
    event: { ref: 'refs/heads/main', before, after, created: false, deleted: false },
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
});
