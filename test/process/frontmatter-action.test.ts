/**
 * Front-matter templates through the whole bundled action (node dist/index.js) and the command
 * (dist/cli.js), in real repositories: a changed slug revalidates the old address and the new,
 * a deleted file's address comes from the base commit, a depth-1 checkout fetches what it lacks,
 * and the API source reads the blobs through the API. A mapping without `fm.` reads no file.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeRuntimes, ROOT, runAction, visibleLog } from '../helpers/action.js';
import { pushPayload } from '../helpers/changes.js';
import { tempDir, TestRepo } from '../helpers/git.js';
import { startApiReplay, type ApiReplay } from '../helpers/github-api.js';
import { receivedTargets, startReceiver, type Receiver } from '../helpers/receiver.js';

const SECRET = 'fm-test-secret';
const TOKEN = 'ghs_fmtoken42';
const MAPPING = `
- files: content/blog/[file].{md,mdx}
  paths: ["/blog/[fm.slug ?? file]", /blog]
  tags: [posts, "tag:[fm.tags]", "author:[fm.author.id]"]
`;
const post = (slug: string, tags: string[], title = slug) =>
  `---\ntitle: ${title}\nslug: ${slug}\ntags: [${tags.join(', ')}]\nauthor:\n  id: ann\n---\n\nThe text of ${title}.\n`;

let receiver: Receiver;
let replay: ApiReplay | undefined;
beforeEach(async () => {
  receiver = await startReceiver({ secret: SECRET });
});
afterEach(async () => {
  await receiver.close();
  await replay?.close();
  replay = undefined;
});

const inputs = (extra: Record<string, string> = {}) => ({
  endpoint: receiver.url,
  secret: SECRET,
  mapping: MAPPING,
  'github-token': TOKEN,
  ...extra,
});
const sent = () => receivedTargets(receiver).map((t) => `${t.type}:${t.value}`);

/** One push: a slug changed, a post deleted, one added, one renamed with a new slug. */
function blogRepo() {
  const repo = TestRepo.create();
  repo.write({
    'content/blog/moved.md': post('old-slug', ['a', 'b']),
    'content/blog/gone.md': post('gone-slug', ['c']),
    'content/blog/renamed.md': post('before-rename', ['d']),
    'README.md': 'readme',
  });
  const before = repo.commit('initial');
  repo.write({
    'content/blog/moved.md': post('new-slug', ['a', 'e'], 'New title'),
    'content/blog/gone.md': null,
    'content/blog/added.mdx': post('added-slug', []),
    'content/blog/renamed.md': null,
    'content/blog/renamed-now.md': post('after-rename', ['d']),
  });
  const after = repo.commit('edit');
  return { repo, before, after };
}

const EXPECTED = [
  'path:/blog',
  'path:/blog/added-slug',
  'path:/blog/after-rename',
  'path:/blog/before-rename',
  'path:/blog/gone-slug',
  'path:/blog/new-slug',
  'path:/blog/old-slug',
  'tag:author:ann',
  'tag:posts',
  'tag:tag:a',
  'tag:tag:b',
  'tag:tag:c',
  'tag:tag:d',
  'tag:tag:e',
];

describe.each(nodeRuntimes())('under $name', ({ path: node }) => {
  it('git checkout: a changed slug revalidates both addresses; a deleted file is read at the base', async () => {
    const { repo, before, after } = blogRepo();
    const run = await runAction({ node, event: pushPayload(before, after), inputs: inputs(), workspace: repo.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(sent()).toEqual(EXPECTED);
    expect(run.stdout).toContain('front matter read from 3 file(s) at the head and 3 at the base');
  });
});

describe('front matter', () => {
  it('a depth-1 checkout fetches the base commit and reads the old front matter from it', async () => {
    const { repo, before, after } = blogRepo();
    const checkout = TestRepo.shallowClone(repo.bareOrigin());
    expect(checkout.git('rev-parse', '--is-shallow-repository')).toBe('true');
    const run = await runAction({ event: pushPayload(before, after), inputs: inputs(), workspace: checkout.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`fetched ${before} from origin`);
    expect(sent()).toEqual(EXPECTED);
  });

  it('no checkout: the API source reads the blobs through the API, with the same result', async () => {
    const { repo, before, after } = blogRepo();
    replay = await startApiReplay({ repo: repo.dir, token: TOKEN });
    const run = await runAction({
      event: pushPayload(before, after),
      inputs: inputs(),
      env: { GITHUB_REPOSITORY: 'octo-org/content', GITHUB_API_URL: replay.url },
      workspace: tempDir('empty-workspace-'),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/diff source: api/);
    expect(sent()).toEqual(EXPECTED);
    const blobs = replay.requests.filter((r) => r.url.includes('/git/blobs/'));
    expect(blobs).toHaveLength(6);
    expect(blobs.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    expect(visibleLog(run) + run.summary).not.toContain(TOKEN);
  });

  it('a mapping without fm. reads no file: no tree or blob request at all', async () => {
    const { repo, before, after } = blogRepo();
    replay = await startApiReplay({ repo: repo.dir, token: TOKEN });
    const run = await runAction({
      event: pushPayload(before, after),
      inputs: inputs({ mapping: '- files: content/blog/[file].{md,mdx}\n  paths: "/blog/[file|lower]"\n' }),
      env: { GITHUB_REPOSITORY: 'octo-org/content', GITHUB_API_URL: replay.url },
      workspace: tempDir('empty-workspace-'),
    });
    expect(run.code).toBe(0);
    expect(replay.requests.filter((r) => /\/git\/(blobs|trees)\//.test(r.url))).toEqual([]);
    expect(run.stdout).not.toContain('front matter');
    expect(JSON.parse(run.outputs.paths ?? '[]')).toEqual([
      '/blog/added',
      '/blog/gone',
      '/blog/moved',
      '/blog/renamed',
      '/blog/renamed-now',
    ]);
  });

  it('missing fields and broken front matter: warnings naming the file, the field and the line; fallbacks still apply', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/blog/x.md': 'x' });
    const before = repo.commit();
    repo.write({
      'content/blog/plain.md': '# no front matter\n',
      'content/blog/broken.md': '---\ntitle: ok\nslug: [oops\n---\n',
      'content/blog/code.md': '---js\n{ slug: require("fs").writeFileSync("/tmp/pwned", "1") }\n---\n',
    });
    const after = repo.commit();
    const run = await runAction({ event: pushPayload(before, after), inputs: inputs({ 'dry-run': 'true' }), workspace: repo.dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.paths ?? '[]')).toEqual(['/blog', '/blog/broken', '/blog/code', '/blog/plain']);
    expect(JSON.parse(run.outputs.tags ?? '[]')).toEqual(['posts']);
    expect(run.stdout).toMatch(/::warning::content\/blog\/broken\.md at head \([0-9a-f]{7}\), line [34]: the YAML does not parse/);
    expect(run.stdout).toContain('content/blog/code.md at head');
    expect(run.stdout).toContain('line 1: front matter in js is code, and code is never run');
    expect(run.stdout).toMatch(
      /::warning::.*"tag:\[fm\.tags\]" needs fm\.tags and has no fallback: no target from it for content\/blog\/broken\.md \(head: its front matter does not parse\), content\/blog\/code\.md .*content\/blog\/plain\.md \(head: it has no front matter\)/,
    );
  });

  it('the command line reads front matter the same way', async () => {
    const { repo, before, after } = blogRepo();
    repo.write({ 'revalidate.yml': MAPPING });
    const child = spawn(
      process.execPath,
      [join(ROOT, 'dist/cli.js'), '--dry-run', '--json', '--base', before, '--head', after, '--mapping', MAPPING],
      {
        cwd: repo.dir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    expect(code).toBe(0);
    const outputs = JSON.parse(stdout) as Record<string, string>;
    expect(JSON.parse(outputs.paths ?? '[]')).toEqual(EXPECTED.filter((k) => k.startsWith('path:')).map((k) => k.slice(5)));
  });
});
