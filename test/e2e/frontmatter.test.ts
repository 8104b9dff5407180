/**
 * End to end, front matter: pages whose address comes from the file's front matter (`slug`), on
 * the real Next.js 16 site (its own build, `.next-frontmatter`). A push that changes an article's
 * slug must make the old address 404 and the new one 200 with the new text, and the index must
 * list the new title: the action reads the old front matter at the base commit and the new at
 * the head. Each step first checks the old state, so a stale page cannot pass for a fresh one.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction } from '../helpers/action.js';
import { TestRepo } from '../helpers/git.js';
import { commitPush, expectCached, listed, serveContent, title, type RunningSite } from './next-site.js';

const SECRET = randomBytes(16).toString('hex');
const DIST = '.next-frontmatter';
const MAPPING = `
- files: content/articles/[file].md
  paths: "/articles/[fm.slug ?? file]"
  tags: articles
`;
const NODE = nodeRuntimes().at(-1)?.path;
const article = (slug: string, title: string, body: string) => `---\ntitle: ${title}\nslug: ${slug}\n---\n${body}\n`;

let repo: TestRepo;
let site: RunningSite;

beforeAll(async () => {
  ({ repo, site } = await serveContent(
    {
      'content/articles/launch.md': article('old-address', 'Old title', 'The text at the old address.'),
      'content/articles/other.md': article('other', 'Other', 'Nothing changes here.'),
    },
    { secret: SECRET, distName: DIST },
  ));
}, 300_000);

afterAll(async () => {
  await site?.stop();
});

describe('front-matter addresses on a real Next.js site', () => {
  it('a changed slug: the old address 404s, the new one serves the new text, the index lists the new title', async () => {
    expect(title((await expectCached(site, '/articles/old-address')).body)).toBe('Old title');
    // A visitor came early: the new address is a cached 404 until exactly that path is revalidated.
    await expectCached(site, '/articles/new-address', 404);
    expect(listed((await expectCached(site, '/articles')).body)).toEqual(['Old title', 'Other']);

    const run = await runAction({
      ...(NODE ? { node: NODE } : {}),
      workspace: repo.dir,
      event: commitPush(repo, { 'content/articles/launch.md': article('new-address', 'New title', 'The text at the new address.') }),
      inputs: { endpoint: site.endpoint, secret: SECRET, mapping: MAPPING },
    });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    // The file's name (launch) is in neither address: both came from its front matter, one per side.
    expect(JSON.parse(run.outputs.paths ?? '')).toEqual(['/articles/new-address', '/articles/old-address']);
    expect(JSON.parse(run.outputs.tags ?? '')).toEqual(['articles']);
    expect(run.outputs.revalidated).toBe('3');

    expect((await site.visit('/articles/old-address')).status).toBe(404);
    const moved = await site.visit('/articles/new-address');
    expect(moved.status).toBe(200);
    expect(title(moved.body)).toBe('New title');
    expect(moved.body).toContain('The text at the new address.');
    expect(listed((await site.visit('/articles')).body)).toEqual(['New title', 'Other']);
    // Nothing mapped to the other article: still the cached copy.
    const other = await site.visit('/articles/other');
    expect(other.cache).toBe('HIT');
  });
});
