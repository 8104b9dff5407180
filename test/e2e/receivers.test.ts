/**
 * End to end, receivers (issue 14): the bundled action on the real Next.js 16 site, the same push
 * through `next-app` (one request per target) and through `batch` (one request for all), and the
 * Pages Router route (`next-pages`, ?secret=&path=) on a real Pages Router page. Each test checks
 * the page's old state first, so a stale page cannot pass for a fresh one.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRuntimes, ROOT, runAction, type ActionRun } from '../helpers/action.js';
import { TestRepo } from '../helpers/git.js';
import { commitPush, listed, serveContent, SITE_DIR, title, type RunningSite } from './next-site.js';

const SECRET = randomBytes(16).toString('hex');
const DIST = '.next-receivers';
const MAPPING = `
- files: content/blog/[slug].md
  paths: /blog/[slug]
  tags: posts
`;
const NODE = nodeRuntimes().at(-1)?.path;

let repo: TestRepo;
let site: RunningSite;

beforeAll(async () => {
  ({ repo, site } = await serveContent(
    {
      'README.md': 'content for the receivers e2e test',
      'content/blog/one.md': '# One\nFirst version.',
      'content/blog/two.md': '# Two\nFirst version.',
      'content/blog/legacy.md': '# Legacy\nFirst version.',
    },
    { secret: SECRET, distName: DIST },
  ));
}, 300_000);

afterAll(async () => {
  await site?.stop();
});

async function push(files: Record<string, string>, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    ...(NODE ? { node: NODE } : {}),
    workspace: repo.dir,
    event: commitPush(repo, files),
    inputs: { secret: SECRET, ...inputs },
  });
}

async function cached(path: string) {
  await site.visit(path);
  const visit = await site.visit(path);
  expect(visit.cache, `${path} x-nextjs-cache`).toBe('HIT');
  return visit;
}

describe('receivers on a real Next.js site (next start)', () => {
  it('serves copies of the routes users copy from examples/next-app-router', () => {
    const copy = (from: string, to: string) =>
      expect(readFileSync(join(SITE_DIR, to), 'utf8')).toBe(readFileSync(join(ROOT, 'examples/next-app-router', from), 'utf8'));
    copy('app/api/revalidate/route.ts', 'app/api/revalidate/route.ts');
    copy('pages/api/revalidate.ts', 'pages/api/revalidate-pages.ts');
  });

  it.each([
    ['next-app', 'One', 'Two', 3],
    ['batch', 'One again', 'Two again', 1],
  ] as const)('the same push through %s refreshes both posts and the posts list', async (receiver, newOne, newTwo, requests) => {
    const oldOne = title((await cached('/blog/one')).body);
    expect(title((await cached('/blog/two')).body)).not.toBe(`${newTwo} (${receiver})`);
    const oldList = listed((await cached('/posts')).body);
    expect(oldList).toContain(oldOne);
    expect(oldOne).not.toBe(`${newOne} (${receiver})`);

    const run = await push(
      { 'content/blog/one.md': `# ${newOne} (${receiver})\nNew.`, 'content/blog/two.md': `# ${newTwo} (${receiver})\nNew.` },
      { endpoint: site.endpoint, mapping: MAPPING, receiver },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.revalidated).toBe('3');
    // next-app: one request per target; batch: all three targets in one.
    expect(run.stdout).toContain(requests === 1 ? 'sending 3 targets in 1 request,' : 'sending 3 targets, up to 4 at a time');

    expect(title((await site.visit('/blog/one')).body)).toBe(`${newOne} (${receiver})`);
    expect(title((await site.visit('/blog/two')).body)).toBe(`${newTwo} (${receiver})`);
    expect(listed((await site.visit('/posts')).body)).toEqual(
      expect.arrayContaining([`${newOne} (${receiver})`, `${newTwo} (${receiver})`]),
    );
  });

  it('next-pages: the Pages Router route regenerates a real Pages Router page; a tag mapping is refused before sending', async () => {
    expect(title((await cached('/legacy/legacy')).body)).toBe('Legacy');
    const endpoint = `${site.origin}/api/revalidate-pages`;
    const run = await push(
      { 'content/blog/legacy.md': '# Legacy, revised\nNew.' },
      { endpoint, receiver: 'next-pages', mapping: '- files: content/blog/[slug].md\n  paths: /legacy/[slug]' },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.revalidated).toBe('1');
    expect(title((await site.visit('/legacy/legacy')).body)).toBe('Legacy, revised');

    const refused = await push(
      { 'content/blog/legacy.md': '# Legacy, third\nNew.' },
      { endpoint, receiver: 'next-pages', mapping: MAPPING },
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('produces tags, but no endpoint takes tags: next-pages');
    expect(title((await site.visit('/legacy/legacy')).body)).toBe('Legacy, revised');
  });
});
