/**
 * The git source on real repositories: shallow checkouts of a bare origin that allows fetching
 * by SHA (as GitHub does), force pushes, long pushes, SHA-256, new branches, each kind of pull
 * request merge, odd file names, submodules and type changes, a workspace owned by another user,
 * and an origin that cannot be fetched from.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkoutState, otherRepository, presentCommits } from '../../src/changes/git/checkout.js';
import { gitMessage } from '../../src/changes/git/run.js';
import { collectFor, lines, pushPayload } from '../helpers/changes.js';
import { startGitHttpRemote } from '../helpers/git-http.js';
import { commitMany, tempDir, TestRepo } from '../helpers/git.js';

function shallowOf(repo: TestRepo, branch = 'main'): { origin: string; checkout: TestRepo } {
  const origin = repo.bareOrigin();
  return { origin, checkout: TestRepo.shallowClone(origin, branch) };
}

function lacks(checkout: TestRepo, commit: string): boolean {
  try {
    checkout.git('cat-file', '-e', `${commit}^{commit}`);
    return false;
  } catch {
    return true;
  }
}

describe('push', () => {
  it('diffs before → after in a depth-1 checkout, fetching `before` by SHA; any file name works', async () => {
    const repo = TestRepo.create();
    const odd = [
      'content/with space.md',
      'content/ünï 日本.md',
      'content/-leading-dash.md',
      'content/tab\there.md',
      'content/new\nline.md',
      'content/"quoted".md',
    ];
    repo.write({
      'content/keep.md': 'k',
      'content/edit.md': 'e1',
      'content/gone.md': 'g',
      'content/old-name.md': 'a long enough body to be found as a rename\n'.repeat(5),
    });
    const before = repo.commit('before');
    repo.write({
      'content/edit.md': 'e2',
      'content/gone.md': null,
      'content/old-name.md': null,
      'content/new-name.md': 'a long enough body to be found as a rename\n'.repeat(5),
    });
    repo.write(Object.fromEntries(odd.map((f) => [f, f])));
    const after = repo.commit('after');
    const { checkout } = shallowOf(repo);
    expect(lacks(checkout, before)).toBe(true);

    const { changes, log } = await collectFor({ name: 'push', payload: pushPayload(before, after) }, { workspace: checkout.dir });

    expect(changes.source).toBe('git');
    expect(changes.base).toBe(before);
    expect(changes.head).toBe(after);
    expect(lines(changes.files)).toEqual(
      [
        'modified content/edit.md',
        'deleted content/gone.md',
        'renamed content/old-name.md -> content/new-name.md',
        ...odd.map((f) => `added ${f}`),
      ].sort(),
    );
    expect(log.join('\n')).toContain(`fetched ${before} from origin`);
    expect(log[0]).toBe(`diff source: git (${checkout.dir} is a checkout of the repository)`);
  });

  it('a force push is the tree diff of before → after, not the merge-base diff', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': 'a1', 'content/b.md': 'b1' });
    const root = repo.commit('root');
    repo.write({ 'content/a.md': 'a2', 'content/only-before.md': 'x' });
    const before = repo.commit('the commit that gets overwritten');
    const origin = repo.bareOrigin();
    repo.git('reset', '--quiet', '--hard', root);
    repo.write({ 'content/b.md': 'b2' });
    const after = repo.commit('rewritten history');
    repo.pushTo(origin, '+main');
    expect(repo.git('merge-base', before, after)).toBe(root);
    const checkout = TestRepo.shallowClone(origin);

    const { changes } = await collectFor(
      { name: 'push', payload: pushPayload(before, after, { forced: true }) },
      { workspace: checkout.dir },
    );

    // The live site was built from `before`: a.md goes back, only-before.md disappears, b.md changed.
    expect(lines(changes.files)).toEqual(['deleted content/only-before.md', 'modified content/a.md', 'modified content/b.md']);
    expect(changes.description).toContain('force push');
  });

  it('handles a push of hundreds of commits; a file added then removed within it is not a change', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/start.md': 's' });
    const before = repo.commit('start');
    repo.write({ 'content/ephemeral.md': 'here for a moment' });
    repo.commit('add');
    commitMany(repo, 300, (i) => ({ [`content/posts/p${String(i).padStart(3, '0')}.md`]: `post ${i}` }));
    repo.write({ 'content/ephemeral.md': null });
    const after = repo.commit('remove');
    expect(Number(repo.git('rev-list', '--count', `${before}..${after}`))).toBe(302);
    const { checkout } = shallowOf(repo);

    const { changes } = await collectFor({ name: 'push', payload: pushPayload(before, after) }, { workspace: checkout.dir });

    expect(changes.files).toHaveLength(300);
    expect(changes.files.every((f) => f.status === 'added' && f.path.startsWith('content/posts/p'))).toBe(true);
    expect(changes.files.map((f) => f.path)).not.toContain('content/ephemeral.md');
  });

  it('works in a SHA-256 repository, shallow clone and fetch by SHA included', async () => {
    const repo = TestRepo.create({ objectFormat: 'sha256' });
    repo.write({ 'content/a.md': '1', 'content/b.md': '1' });
    const before = repo.commit();
    repo.write({ 'content/a.md': '2', 'content/b.md': null, 'content/c.md': '3' });
    const after = repo.commit();
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    const { checkout } = shallowOf(repo);
    expect(lacks(checkout, before)).toBe(true);

    const { changes, log } = await collectFor({ name: 'push', payload: pushPayload(before, after) }, { workspace: checkout.dir });

    expect(lines(changes.files)).toEqual(['added content/c.md', 'deleted content/b.md', 'modified content/a.md']);
    expect(changes.base).toBe(before);
    expect(log.join('\n')).toContain(`fetched ${before}`);
  });

  it('a new branch is compared with its merge base with the default branch, and says so', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': '1' });
    repo.commit();
    repo.write({ 'content/b.md': '1' });
    const forkPoint = repo.commit();
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.write({ 'content/feature-1.md': 'f' });
    repo.commit();
    repo.write({ 'content/feature-2.md': 'f', 'content/a.md': 'changed on the branch' });
    const head = repo.commit();
    repo.git('checkout', '--quiet', 'main');
    repo.write({ 'content/main-later.md': 'moved on' });
    repo.commit();
    const { checkout } = shallowOf(repo, 'feature');

    const payload = { ...pushPayload('0'.repeat(40), head), ref: 'refs/heads/feature', created: true };
    const { changes, warnings } = await collectFor({ name: 'push', payload }, { workspace: checkout.dir });

    expect(changes.base).toBe(forkPoint);
    expect(lines(changes.files)).toEqual(['added content/feature-1.md', 'added content/feature-2.md', 'modified content/a.md']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`merge base ${forkPoint.slice(0, 7)} with the default branch main`);
  });

  it('the first push of the default branch treats every file as added, and says so', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': '1' });
    repo.commit();
    repo.write({ 'content/b.md': '1', 'data/x.json': '{}' });
    const head = repo.commit();
    const { checkout } = shallowOf(repo);

    const payload = { ...pushPayload('0'.repeat(40), head), created: true };
    const { changes, warnings } = await collectFor({ name: 'push', payload }, { workspace: checkout.dir });

    expect(lines(changes.files)).toEqual(['added content/a.md', 'added content/b.md', 'added data/x.json']);
    expect(changes.base).toBeUndefined();
    expect(warnings[0]).toContain('every file in');
  });

  it('fails naming the commit when `before` cannot be had, rather than diffing something narrower', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': '1' });
    repo.commit();
    repo.write({ 'content/a.md': '2' });
    const after = repo.commit();
    const { checkout } = shallowOf(repo);
    const missing = 'f'.repeat(40);

    await expect(collectFor({ name: 'push', payload: pushPayload(missing, after) }, { workspace: checkout.dir })).rejects.toThrow(
      new RegExp(`commit ${missing} cannot be read through the git checkout: it is not in the checkout and fetching it from origin failed`),
    );
  });

  it('quotes what git said went wrong (its fatal: lines), not the advice after it', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': '1' });
    const before = repo.commit();
    repo.write({ 'content/a.md': '2' });
    const after = repo.commit();
    const { checkout } = shallowOf(repo);
    checkout.git('remote', 'remove', 'origin');
    // git says: fatal: 'origin' does not appear…, fatal: Could not read…, then two lines of advice.
    const error = await collectFor({ name: 'push', payload: pushPayload(before, after) }, { workspace: checkout.dir }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `commit ${before} cannot be read through the git checkout: it is not in the checkout and fetching it from origin failed: ` +
        "fatal: 'origin' does not appear to be a git repository; fatal: Could not read from remote repository. " +
        'The exact range cannot be had, so nothing is revalidated rather than a guess',
    );
  });
});

describe('pull_request closed', () => {
  /** main: base; a PR branch of three commits; main moves on meanwhile. */
  function prSetup() {
    const repo = TestRepo.create();
    repo.write({ 'content/base.md': 'b', 'content/pr-edit.md': 'old' });
    repo.commit('base');
    repo.git('checkout', '--quiet', '-b', 'pr');
    repo.write({ 'content/pr-1.md': '1' });
    repo.commit('pr one');
    repo.write({ 'content/pr-2.md': '2' });
    repo.commit('pr two');
    repo.write({ 'content/pr-edit.md': 'new' });
    const prHead = repo.commit('pr three');
    repo.git('update-ref', 'refs/pull/7/head', prHead);
    repo.git('checkout', '--quiet', 'main');
    repo.write({ 'content/main-meanwhile.md': 'm' });
    repo.commit('main moved on');
    return { repo, prHead };
  }
  const prFiles = ['added content/pr-1.md', 'added content/pr-2.md', 'modified content/pr-edit.md'];
  const closed = (merge: string, prHead: string, merged = true) => ({
    action: 'closed',
    pull_request: { number: 7, merged, merge_commit_sha: merged ? merge : null, commits: 3, head: { sha: prHead } },
  });

  it('merge commit: compared with its first parent', async () => {
    const { repo, prHead } = prSetup();
    repo.git('merge', '--quiet', '--no-ff', '-m', 'Merge pull request #7', 'pr');
    const merge = repo.head();
    const { checkout } = shallowOf(repo);
    const { changes } = await collectFor({ name: 'pull_request', payload: closed(merge, prHead) }, { workspace: checkout.dir });
    expect(lines(changes.files)).toEqual(prFiles);
    expect(changes.base).toBe(repo.git('rev-parse', `${merge}^1`));
  });

  it('squash merge: compared with its parent', async () => {
    const { repo, prHead } = prSetup();
    repo.git('merge', '--quiet', '--squash', 'pr');
    const merge = repo.commit('Squashed pull request (#7)');
    const { checkout } = shallowOf(repo);
    const { changes, warnings } = await collectFor({ name: 'pull_request', payload: closed(merge, prHead) }, { workspace: checkout.dir });
    expect(lines(changes.files)).toEqual(prFiles);
    expect(changes.description).toContain('squash merge');
    expect(warnings).toEqual([]);
  });

  it('rebase merge: all of the rebased commits, not just the last one', async () => {
    const { repo, prHead } = prSetup();
    repo.git('checkout', '--quiet', 'pr');
    repo.git('rebase', '--quiet', 'main');
    const merge = repo.head();
    repo.git('checkout', '--quiet', 'main');
    repo.git('merge', '--quiet', '--ff-only', 'pr');
    expect(repo.git('rev-list', '--count', '--merges', `${merge}~3..${merge}`)).toBe('0');
    const { checkout } = shallowOf(repo);
    const { changes } = await collectFor({ name: 'pull_request', payload: closed(merge, prHead) }, { workspace: checkout.dir });
    expect(lines(changes.files)).toEqual(prFiles);
    expect(changes.description).toContain('rebase merge of 3 commits');
  });

  it('closed without merging: nothing, and no git at all', async () => {
    const { changes } = await collectFor(
      { name: 'pull_request', payload: closed('a'.repeat(40), 'b'.repeat(40), false) },
      { workspace: '/nonexistent' },
    );
    expect(changes.source).toBe('none');
    expect(changes.files).toEqual([]);
    expect(changes.description).toBe('pull request #7 closed without merging: nothing to revalidate');
  });
});

describe('git source details', () => {
  it('checkoutState tells which of the commits the checkout has, in one rev-parse or apart when one is missing', async () => {
    for (const objectFormat of ['sha1', 'sha256'] as const) {
      const repo = TestRepo.create({ objectFormat });
      repo.write({ 'a.md': '1' });
      const first = repo.commit();
      repo.write({ 'a.md': '2' });
      const second = repo.commit();
      const missing = 'c'.repeat(first.length);
      const tree = repo.git('rev-parse', `${second}^{tree}`);
      mkdirSync(join(repo.dir, 'sub'));

      const all = await checkoutState(join(repo.dir, 'sub'), undefined, undefined, [first, second.toUpperCase(), 'main']);
      expect(all).toEqual({ ok: true, root: repo.dir, present: new Set([first, second]) });
      const some = await checkoutState(repo.dir, undefined, undefined, [second, missing, tree]);
      expect(some).toEqual({ ok: true, root: repo.dir, present: new Set([second]) });
      expect(await presentCommits(repo.dir, [missing, first, tree])).toEqual(new Set([first]));
    }
    const elsewhere = await checkoutState(tempDir(), undefined, undefined, ['a'.repeat(40)]);
    expect(elsewhere.ok).toBe(false);
    expect(elsewhere.ok ? '' : elsewhere.reason).toMatch(/is not a git checkout \(.*not a git repository/);
  });

  it('reports submodule entries and type changes', async () => {
    const repo = TestRepo.create();
    const sub1 = 'a'.repeat(40);
    const sub2 = 'b'.repeat(40);
    repo.write({ 'content/page.md': 'p', 'content/link.md': 'l' });
    mkdirSync(join(repo.dir, 'vendor/theme'), { recursive: true }); // an unpopulated submodule
    repo.git('update-index', '--add', '--cacheinfo', `160000,${sub1},vendor/theme`);
    const before = repo.commit();
    repo.git('update-index', '--cacheinfo', `160000,${sub2},vendor/theme`);
    repo.write({ 'content/link.md': null });
    execFileSync('ln', ['-s', 'page.md', join(repo.dir, 'content/link.md')]);
    const after = repo.commit();
    const { changes } = await collectFor({ name: 'push', payload: pushPayload(before, after) }, { workspace: repo.dir });
    expect(lines(changes.files)).toEqual(['modified vendor/theme', 'type-changed content/link.md']);
  });

  it('works in a workspace owned by another user ("dubious ownership")', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': '1' });
    const before = repo.commit();
    repo.write({ 'content/a.md': '2' });
    const after = repo.commit();
    const { checkout } = shallowOf(repo);
    chownTree(checkout.dir, 65534, 65534);
    expect(statSync(checkout.dir).uid).toBe(65534);
    // Plain git refuses this checkout…
    expect(() =>
      execFileSync('git', ['status'], { cwd: checkout.dir, stdio: 'pipe', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }),
    ).toThrow(/dubious ownership/);
    // …the git source still reads it and fetches into it.
    const { changes } = await collectFor({ name: 'push', payload: pushPayload(before, after) }, { workspace: checkout.dir });
    expect(lines(changes.files)).toEqual(['modified content/a.md']);
    expect(changes.source).toBe('git');
  });

  it('fetches over HTTP with persisted credentials; without them fails naming the commit (diff-source git)', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': '1' });
    const before = repo.commit();
    repo.write({ 'content/a.md': '2', 'content/b.md': 'new' });
    const after = repo.commit();
    const remote = await startGitHttpRemote(repo.bareOrigin(), 'ghs_testtoken');
    try {
      const persisted = await TestRepo.checkout(remote.url, { extraHeader: remote.authorization });
      const withCredentials = await collectFor({ name: 'push', payload: pushPayload(before, after) }, { workspace: persisted.dir });
      expect(lines(withCredentials.changes.files)).toEqual(['added content/b.md', 'modified content/a.md']);

      const notPersisted = await TestRepo.checkout(remote.url, { extraHeader: remote.authorization, persistCredentials: false });
      const refusedBefore = remote.refused;
      await expect(
        collectFor({ name: 'push', payload: pushPayload(before, after) }, { workspace: notPersisted.dir, diffSource: 'git' }),
      ).rejects.toThrow(
        new RegExp(
          `commit ${before} cannot be read through the git checkout: it is not in the checkout and fetching it from origin failed: .*(Username|Authentication|401)`,
        ),
      );
      expect(remote.refused).toBeGreaterThan(refusedBefore);
    } finally {
      await remote.close();
    }
  });

  it("auto: a checkout of another repository on the same server is not the event's checkout", async () => {
    expect(otherRepository('https://github.com/octo-org/site.git', 'octo-org/content', 'https://github.com')).toBe('octo-org/site');
    expect(otherRepository('git@github.com:octo-org/site.git', 'octo-org/content', 'https://github.com')).toBe('octo-org/site');
    expect(otherRepository('https://github.com/Octo-Org/Content', 'octo-org/content', 'https://github.com')).toBeUndefined();
    expect(
      otherRepository('https://x-access-token@github.com/octo-org/content.git', 'octo-org/content', 'https://github.com'),
    ).toBeUndefined();
    expect(otherRepository('https://ghe.example.com/octo-org/site', 'octo-org/content', 'https://github.com')).toBeUndefined();
    expect(otherRepository('file:///tmp/origin.git', 'octo-org/content', 'https://github.com')).toBeUndefined();

    const repo = TestRepo.create();
    repo.write({ 'a.md': '1' });
    repo.commit();
    repo.git('remote', 'add', 'origin', 'https://github.com/octo-org/site.git');
    await expect(
      collectFor(
        { name: 'push', payload: pushPayload('a'.repeat(40), 'b'.repeat(40)) },
        { workspace: repo.dir, diffSource: 'auto', api: { repository: 'octo-org/content' } },
      ),
    ).rejects.toThrow(`is a checkout of octo-org/site, not of octo-org/content, and the GitHub API source needs a token`);
  });

  it('diff-source git without a checkout fails with what to do', async () => {
    const dir = TestRepo.create().dir + '/../';
    await expect(
      collectFor({ name: 'push', payload: pushPayload('a'.repeat(40), 'b'.repeat(40)) }, { workspace: dir, diffSource: 'git' }),
    ).rejects.toThrow(/diff-source is git, but .* is not a git checkout .*add actions\/checkout before this step/);
  });

  it('base/head inputs override the event, and may be branch names', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': '1' });
    repo.commit();
    repo.git('branch', 'release');
    repo.write({ 'content/a.md': '2' });
    repo.commit();
    repo.write({ 'content/c.md': '3' });
    const head = repo.commit();
    const tagPush = { ...pushPayload('0'.repeat(40), head), ref: 'refs/tags/v1' };
    const { checkout } = shallowOf(repo);
    const { changes } = await collectFor({ name: 'push', payload: tagPush, base: 'release', head }, { workspace: checkout.dir });
    expect(lines(changes.files)).toEqual(['added content/c.md', 'modified content/a.md']);
  });
});

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, uid, gid);
    else if (!entry.isSymbolicLink()) chownSync(full, uid, gid);
  }
}

describe('gitMessage: what git said, for a message', () => {
  it('its fatal: and error: lines, escaped, with URLs free of credentials; else its last line', () => {
    expect(
      gitMessage(
        "warning: redirecting\nerror: RPC failed; HTTP 403\nfatal: unable to access 'https://x-access-token:ghs_abc@github.com/o/r/': 403\n\nhint: check it\n",
      ),
    ).toBe("error: RPC failed; HTTP 403; fatal: unable to access 'https://github.com/o/r/': 403");
    expect(gitMessage('remote: Counting objects\rremote: done\nsomething odd\n')).toBe('something odd');
    expect(gitMessage("fatal: bad object 'x\u001b[31m'")).toBe("fatal: bad object 'x\\x1b[31m'");
    expect(gitMessage('')).toBe('');
  });
});
