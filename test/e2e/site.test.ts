/**
 * End to end: the bundled action (`node dist/index.js`, as the runner starts it) refreshes a real
 * Next.js 16 site served by `next start`. Each test makes a real push in a temporary content
 * repository, which is also the folder the site renders from, runs the action on that push, and
 * checks what a visitor now sees. Each test first checks the page's old state, so a stale page
 * cannot pass for a fresh one.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction, type ActionRun } from '../helpers/action.js';
import { TestRepo } from '../helpers/git.js';
import { commitPush, expectCached, listed, serveContent, title, type RunningSite } from './next-site.js';

const SECRET = randomBytes(16).toString('hex');
// No rule maps any file to /posts: only the `posts` tag can refresh that page.
const MAPPING = `
- files: content/blog/[slug].md
  paths: /blog/[slug]
  tags: posts
`;
// The runners' Node (the last runtime listed), as `runs.using: node24` starts the action.
const NODE = nodeRuntimes().at(-1)?.path;

let repo: TestRepo;
let site: RunningSite;

beforeAll(async () => {
  ({ repo, site } = await serveContent(
    {
      'README.md': 'content for the e2e site',
      'content/blog/hello.md': '# Hello\nThe first version of hello.',
      'content/blog/goodbye.md': '# Goodbye\nThis post will be deleted.',
      'content/blog/untouched.md': '# Untouched\nNo push changes this post.',
      'content/blog/guarded.md': '# Guarded\nThe text before the wrong secret.',
    },
    { secret: SECRET },
  ));
}, 300_000);

afterAll(async () => {
  await site?.stop();
});

/** Commits `files` in the content repository and runs the action on that push. */
async function pushAndRunAction(files: Record<string, string | null>, secret = SECRET): Promise<ActionRun> {
  return runAction({
    ...(NODE ? { node: NODE } : {}),
    workspace: repo.dir,
    event: commitPush(repo, files),
    inputs: { endpoint: site.endpoint, secret, mapping: MAPPING },
  });
}

describe('the bundled action on a real Next.js site (next start)', () => {
  it('an edited post shows its new text, and the `posts` tag refreshes the index page', async () => {
    expect(title((await expectCached(site, '/blog/hello')).body)).toBe('Hello');
    expect(listed((await expectCached(site, '/posts')).body)).toContain('Hello');
    const homeBefore = await expectCached(site, '/');

    const run = await pushAndRunAction({ 'content/blog/hello.md': '# Hello, edited\nThe second version of hello.' });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.outputs.paths ?? '')).toEqual(['/blog/hello']);
    expect(JSON.parse(run.outputs.tags ?? '')).toEqual(['posts']);
    expect(run.outputs.revalidated).toBe('2');
    const post = await site.visit('/blog/hello');
    expect(post.status).toBe(200);
    expect(title(post.body)).toBe('Hello, edited');
    expect(post.body).toContain('The second version of hello.');
    const index = await site.visit('/posts');
    expect(listed(index.body)).toContain('Hello, edited');
    expect(listed(index.body)).not.toContain('Hello');

    // Pages nothing mapped to were not re-rendered: still the cached copies.
    const home = await site.visit('/');
    expect(home.cache).toBe('HIT');
    expect(home.body).toBe(homeBefore.body);
    const untouched = await site.visit('/blog/untouched');
    expect(untouched.cache).toBe('HIT');
    expect(title(untouched.body)).toBe('Untouched');
  });

  it('a deleted post turns 404, and leaves the index', async () => {
    expect(title((await expectCached(site, '/blog/goodbye')).body)).toBe('Goodbye');

    const run = await pushAndRunAction({ 'content/blog/goodbye.md': null });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.outputs.paths ?? '')).toEqual(['/blog/goodbye']);
    expect((await site.visit('/blog/goodbye')).status).toBe(404);
    expect(listed((await site.visit('/posts')).body)).not.toContain('Goodbye');
  });

  it('a post first visited before it existed turns from a cached 404 into 200', async () => {
    // The visitor came early: Next.js renders notFound() and caches that 404.
    await expectCached(site, '/blog/later', 404);

    const run = await pushAndRunAction({ 'content/blog/later.md': '# Later\nWritten after the first visit.' });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.outputs.paths ?? '')).toEqual(['/blog/later']);
    const post = await site.visit('/blog/later');
    expect(post.status).toBe(200);
    expect(title(post.body)).toBe('Later');
    expect(listed((await site.visit('/posts')).body)).toContain('Later');
  });

  it('a wrong secret changes nothing; the same push with the right secret then does', async () => {
    expect(title((await expectCached(site, '/blog/guarded')).body)).toBe('Guarded');
    const indexBefore = await expectCached(site, '/posts');

    const refused = await pushAndRunAction({ 'content/blog/guarded.md': '# Guarded, edited\nThe text after.' }, `${SECRET}-wrong`);

    expect(refused.code).toBe(1);
    expect(refused.outputs.revalidated).toBe('0');
    const failed = JSON.parse(refused.outputs.failed ?? '') as Array<{ status: number | null }>;
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.some((f) => f.status === 401)).toBe(true);
    const post = await site.visit('/blog/guarded');
    expect(post.cache).toBe('HIT');
    expect(title(post.body)).toBe('Guarded');
    const index = await site.visit('/posts');
    expect(index.cache).toBe('HIT');
    expect(index.body).toBe(indexBefore.body);

    // The change was there to be picked up: the right secret on the same push brings it.
    const accepted = await runAction({
      ...(NODE ? { node: NODE } : {}),
      workspace: repo.dir,
      event: { ref: 'refs/heads/main', before: repo.git('rev-parse', 'HEAD~1'), after: repo.head(), created: false, deleted: false },
      inputs: { endpoint: site.endpoint, secret: SECRET, mapping: MAPPING },
    });
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
    expect(title((await site.visit('/blog/guarded')).body)).toBe('Guarded, edited');
    expect(listed((await site.visit('/posts')).body)).toContain('Guarded, edited');
  });

  it('pages no push mapped to stayed cached through every run', async () => {
    for (const path of ['/', '/blog/untouched']) {
      const visit = await site.visit(path);
      expect(visit.status, path).toBe(200);
      expect(visit.cache, path).toBe('HIT');
    }
    expect(title((await site.visit('/blog/untouched')).body)).toBe('Untouched');
  });
});
