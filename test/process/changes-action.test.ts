/**
 * Change detection through the whole bundled action (node dist/index.js), for the main event
 * kinds: what reaches the receiver, the outputs, and what the log says about the source.
 */
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIST, nodeRuntimes, runAction, visibleLog } from '../helpers/action.js';
import { pushPayload } from '../helpers/changes.js';
import { startGitHttpRemote } from '../helpers/git-http.js';
import { tempDir, TestRepo } from '../helpers/git.js';
import { startApiReplay, type ApiReplay } from '../helpers/github-api.js';
import { receivedTargets, startReceiver, type Receiver } from '../helpers/receiver.js';

const SECRET = 'changes-test-secret';
const TOKEN = 'ghs_actiontoken42';
const MAPPING = `
- files: content/blog/[slug].md
  paths: "/blog/[slug]"
  tags: posts
`;

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
const apiEnv = (r: ApiReplay) => ({ GITHUB_REPOSITORY: 'octo-org/content', GITHUB_API_URL: r.url });
const paths = (run: { outputs: Record<string, string> }) => JSON.parse(run.outputs.paths ?? '[]') as string[];

function blogRepo() {
  const repo = TestRepo.create();
  repo.write({ 'content/blog/a.md': '1', 'content/blog/b.md': '1' });
  const before = repo.commit();
  repo.write({ 'content/blog/a.md': '2', 'content/blog/b.md': null, 'content/blog/c.md': 'new' });
  const after = repo.commit();
  return { repo, before, after };
}

describe.each(nodeRuntimes())('under $name', ({ path: node }) => {
  it('push with no checkout: the compare API (loaded on demand) gives the change set', async () => {
    const { repo, before, after } = blogRepo();
    replay = await startApiReplay({ repo: repo.dir, token: TOKEN });
    const run = await runAction({
      node,
      event: pushPayload(before, after),
      inputs: inputs(),
      env: apiEnv(replay),
      workspace: tempDir('empty-workspace-'),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/diff source: api \(auto: .* is not a git checkout/);
    expect(paths(run)).toEqual(['/blog/a', '/blog/b', '/blog/c']);
    expect(receivedTargets(receiver).map((t) => t.value)).toEqual(['/blog/a', '/blog/b', '/blog/c', 'posts']);
    expect(visibleLog(run) + run.summary).not.toContain(TOKEN);
  });

  it('push on a checkout never loads the API client: the run works without its chunk', async () => {
    const { repo, before, after } = blogRepo();
    const gitOnly = tempDir('dist-without-octokit-');
    cpSync(join(DIST, '..'), gitOnly, { recursive: true });
    const chunks = readdirSync(gitOnly).filter((f) => f !== 'index.js' && f.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(0);
    for (const c of chunks) rmSync(join(gitOnly, c));
    const run = await runAction({
      node,
      script: join(gitOnly, 'index.js'),
      workspace: TestRepo.shallowClone(repo.bareOrigin()).dir,
      event: pushPayload(before, after),
      inputs: inputs(),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('diff source: git (auto:');
    expect(paths(run)).toEqual(['/blog/a', '/blog/b', '/blog/c']);
    expect(existsSync(join(gitOnly, chunks[0] as string))).toBe(false);
  });
});

describe('event kinds, whole process', () => {
  it('a tag push and a branch deletion: one line, nothing sent, success', async () => {
    for (const payload of [
      pushPayload('a'.repeat(40), 'b'.repeat(40), { ref: 'refs/tags/v2' }),
      pushPayload('a'.repeat(40), '0'.repeat(40), { deleted: true }),
    ]) {
      const run = await runAction({ event: payload, inputs: inputs() });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/(push of tag v2|push deleting refs\/heads\/main): .*nothing to revalidate/);
      expect(run.outputs['changed-files']).toBe('[]');
    }
    expect(receiver.requests).toHaveLength(0);
  });

  it('a merged pull request (squash) in a depth-1 checkout', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/blog/a.md': '1' });
    repo.commit();
    repo.git('checkout', '--quiet', '-b', 'pr');
    repo.write({ 'content/blog/x.md': 'x' });
    repo.commit('x');
    repo.write({ 'content/blog/y.md': 'y' });
    const prHead = repo.commit('y');
    repo.git('update-ref', 'refs/pull/5/head', prHead);
    repo.git('checkout', '--quiet', 'main');
    repo.write({ 'content/blog/unrelated.md': 'u' });
    repo.commit();
    repo.git('merge', '--quiet', '--squash', 'pr');
    const merge = repo.commit('Squash (#5)');
    const event = {
      action: 'closed',
      pull_request: { number: 5, merged: true, merge_commit_sha: merge, commits: 2, head: { sha: prHead } },
    };
    const run = await runAction({
      eventName: 'pull_request',
      event,
      workspace: TestRepo.shallowClone(repo.bareOrigin()).dir,
      inputs: inputs(),
    });
    expect(run.code).toBe(0);
    expect(paths(run)).toEqual(['/blog/x', '/blog/y']);
    expect(run.summary).toContain('squash merge');
  });

  it('a pull request closed without merging: nothing', async () => {
    const event = { action: 'closed', pull_request: { number: 5, merged: false, merge_commit_sha: null } };
    const run = await runAction({ eventName: 'pull_request', event, inputs: inputs() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('pull request #5 closed without merging: nothing to revalidate');
    expect(receiver.requests).toHaveLength(0);
  });

  it('a new branch: the fallback is used and warned about', async () => {
    const { repo, after } = blogRepo();
    const payload = { ...pushPayload('0'.repeat(40), after), created: true };
    const run = await runAction({
      event: payload,
      workspace: TestRepo.shallowClone(repo.bareOrigin()).dir,
      inputs: inputs({ 'dry-run': 'true' }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /::warning::refs\/heads\/main is a new branch and it is the default branch: every file in [0-9a-f]{7} is treated as added/,
    );
    expect(paths(run)).toEqual(['/blog/a', '/blog/c']);
  });

  it('repository_dispatch: files, paths and tags from client_payload; a bad one fails naming the field', async () => {
    const good = await runAction({
      eventName: 'repository_dispatch',
      event: { action: 'publish', client_payload: { files: ['content/blog/from-cms.md'], paths: ['/'], tags: ['home'] } },
      inputs: inputs(),
    });
    expect(good.code).toBe(0);
    expect(receivedTargets(receiver).map((t) => `${t.type} ${t.value}`)).toEqual([
      'path /',
      'path /blog/from-cms',
      'tag home',
      'tag posts',
    ]);

    const bad = await runAction({ eventName: 'repository_dispatch', event: { client_payload: { paths: ['no-slash'] } }, inputs: inputs() });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      '::error::repository_dispatch `client_payload`: `client_payload.paths.0` must be site paths starting with "/"',
    );
  });

  it('workflow_dispatch with base/head replays a range; with nothing at all it warns', async () => {
    const { repo, before, after } = blogRepo();
    const replayRun = await runAction({
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
      workspace: TestRepo.shallowClone(repo.bareOrigin()).dir,
      inputs: inputs({ base: before, head: after }),
    });
    expect(replayRun.code).toBe(0);
    expect(paths(replayRun)).toEqual(['/blog/a', '/blog/b', '/blog/c']);

    const empty = await runAction({
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
      inputs: { endpoint: receiver.url, secret: SECRET },
    });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('::warning::workflow_dispatch: this event names no commits to compare');
  });

  it('a checkout that cannot fetch (persist-credentials: false): says so and uses the API', async () => {
    const { repo, before, after } = blogRepo();
    const remote = await startGitHttpRemote(repo.bareOrigin(), 'ghs_clone');
    try {
      const checkout = await TestRepo.checkout(remote.url, { extraHeader: remote.authorization, persistCredentials: false });
      replay = await startApiReplay({ repo: repo.dir, token: TOKEN });
      const run = await runAction({ event: pushPayload(before, after), workspace: checkout.dir, inputs: inputs(), env: apiEnv(replay) });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/::warning::git cannot fetch from origin in this checkout .*: using the GitHub API instead/);
      expect(paths(run)).toEqual(['/blog/a', '/blog/b', '/blog/c']);
      expect(run.summary).toContain('(GitHub compare API)');
    } finally {
      await remote.close();
    }
  });

  it('diff-source git when `before` cannot be fetched: fails naming the commit, sends nothing', async () => {
    const { repo, after } = blogRepo();
    const missing = 'c'.repeat(40);
    const run = await runAction({
      event: pushPayload(missing, after),
      workspace: TestRepo.shallowClone(repo.bareOrigin()).dir,
      inputs: inputs({ 'diff-source': 'git' }),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`::error::commit ${missing} cannot be read through the git checkout`);
    expect(receiver.requests).toHaveLength(0);
  });
});
