/**
 * The api source against a local server that replays the GitHub endpoints from a real
 * repository (test/helpers/github-api.ts), and the parity of git and api on the same commits.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffTrees, foldComparePages, mayBeCapped, parseComparePage, type CompareResult } from '../../src/changes/api.js';
import { collectFor, lines, pushPayload, touched } from '../helpers/changes.js';
import { startGitHttpRemote } from '../helpers/git-http.js';
import { commitMany, tempDir, TestRepo } from '../helpers/git.js';
import { startApiReplay, type ApiReplay, type ApiReplayOptions } from '../helpers/github-api.js';

const TOKEN = 'ghs_replaytoken123';
const REPOSITORY = 'octo-org/content';
let replays: ApiReplay[] = [];
afterEach(async () => {
  await Promise.all(replays.map((r) => r.close()));
  replays = [];
});

async function replay(options: ApiReplayOptions): Promise<ApiReplay> {
  const r = await startApiReplay({ token: TOKEN, ...options });
  replays.push(r);
  return r;
}

function apiSettings(r: ApiReplay) {
  return { token: TOKEN, repository: REPOSITORY, apiUrl: r.url };
}

/** Change set through the api source, with no checkout at all. */
async function viaApi(r: ApiReplay, event: { name: string; payload: unknown; base?: string; head?: string }) {
  return collectFor(event, { workspace: tempDir('no-checkout-'), diffSource: 'auto', api: apiSettings(r) });
}

async function viaGit(repo: TestRepo, event: { name: string; payload: unknown; base?: string; head?: string }, branch = 'main') {
  const checkout = TestRepo.shallowClone(repo.bareOrigin(), branch);
  return collectFor(event, { workspace: checkout.dir, diffSource: 'git' });
}

describe('compare replies (recorded shape)', () => {
  it('maps every documented file status; renamed keeps previous_filename; unchanged is not a change', () => {
    const page = parseComparePage(JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/compare-response.json'), 'utf8')));
    const result = foldComparePages([page]);
    expect(lines(result.files)).toEqual([
      'added content/blog/new post é.md',
      'copied content/docs/index.md -> content/docs/copy.md',
      'deleted content/blog/old.md',
      'modified content/blog/hello.md',
      'renamed content/docs/setup.md -> content/docs/guide/setup.md',
      'type-changed content/link.md',
    ]);
    expect(result.unchanged).toEqual(['content/same.md']);
    expect(result.mergeBase).toBe('bbcd538c8e72b8c175046e27cc8f907076331401');
  });

  it('a reply without the fields we rely on is an error naming the field', () => {
    expect(() => parseComparePage({ status: 'ahead', total_commits: 1, base_commit: { sha: 'x' } }, 2)).toThrow(
      "the compare API's reply (page 2) is not what it documents: `merge_base_commit`",
    );
  });

  it('tells a possibly capped file list from a complete one', () => {
    const r = (filesPerPage: number[]): CompareResult => ({
      status: 'ahead',
      mergeBase: 'x',
      totalCommits: 1,
      files: [],
      filesPerPage,
      unchanged: [],
    });
    expect(mayBeCapped(r([]))).toBe(false);
    expect(mayBeCapped(r([299]))).toBe(false);
    expect(mayBeCapped(r([300]))).toBe(true);
    expect(mayBeCapped(r([300, 300, 12]))).toBe(false);
    expect(mayBeCapped(r([300, 300]))).toBe(true);
    expect(mayBeCapped(r(Array.from({ length: 10 }, () => 300)))).toBe(true);
  });

  it('diffs recursive trees: adds, deletes, edits, mode and type changes, submodules; directories skipped', () => {
    const e = (path: string, sha: string, mode = '100644', type = 'blob') => ({ path, mode, type, sha });
    const before = [
      e('a', '1'),
      e('b', '2'),
      e('c', '3'),
      e('d', '4'),
      e('sub', 's1', '160000', 'commit'),
      e('dir', 't1', '040000', 'tree'),
    ];
    const after = [
      e('a', '1'),
      e('b', '2b'),
      e('c', '3', '100755'),
      e('d', '4', '120000'),
      e('sub', 's2', '160000', 'commit'),
      e('e', '5'),
      e('dir', 't2', '040000', 'tree'),
    ];
    expect(lines(diffTrees(before, after))).toEqual(['added e', 'modified b', 'modified c', 'modified sub', 'type-changed d']);
    expect(lines(diffTrees(after, []))).toEqual(['deleted a', 'deleted b', 'deleted c', 'deleted d', 'deleted e', 'deleted sub']);
  });
});

describe('api source', () => {
  it('needs no checkout, sends the token, and pages through hundreds of commits by Link header', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/start.md': 's', 'content/edit.md': '1' });
    const before = repo.commit();
    repo.write({ 'content/edit.md': '2', 'content/tmp.md': 'added then removed' });
    repo.commit();
    commitMany(repo, 250, (i) => ({ [`content/p/${i}.md`]: String(i) }));
    repo.write({ 'content/tmp.md': null });
    const after = repo.commit();
    const r = await replay({ repo: repo.dir });

    const { changes, log } = await viaApi(r, { name: 'push', payload: pushPayload(before, after) });

    expect(changes.source).toBe('api');
    expect(log[0]).toMatch(/^diff source: api \(auto: .* is not a git checkout/);
    expect(changes.files).toHaveLength(251);
    expect(changes.files.map((f) => f.path)).not.toContain('content/tmp.md');
    const compares = r.requests.filter((q) => q.url.includes('/compare/'));
    expect(compares.map((q) => new URL(q.url, r.url).searchParams.get('page') ?? '1')).toEqual(['1', '2', '3']);
    expect(r.requests.every((q) => q.authorization === `token ${TOKEN}`)).toBe(true);
    expect(r.requests.some((q) => q.url.includes('/git/trees/'))).toBe(false);
    expect(touched(changes.files)).toEqual(
      touched((await viaGit(repo, { name: 'push', payload: pushPayload(before, after) })).changes.files),
    );
  });

  it('a force push: the three-dot compare is not used; the trees give the exact diff', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': 'a1', 'content/b.md': 'b1' });
    const root = repo.commit();
    repo.write({ 'content/a.md': 'a2', 'content/only-before.md': 'x' });
    const before = repo.commit();
    repo.git('reset', '--quiet', '--hard', root);
    repo.write({ 'content/b.md': 'b2' });
    const after = repo.commit();
    const r = await replay({ repo: repo.dir });

    const { changes, log } = await viaApi(r, { name: 'push', payload: pushPayload(before, after, { forced: true }) });

    expect(lines(changes.files)).toEqual(['deleted content/only-before.md', 'modified content/a.md', 'modified content/b.md']);
    expect(log.join('\n')).toContain(`diffs from the merge base ${root.slice(0, 7)}, but ${before.slice(0, 7)} is not an ancestor`);
  });

  it.each([
    { filesMode: 'first-page' as const, files: 320, fallback: true },
    { filesMode: 'paged' as const, files: 450, fallback: false },
    { filesMode: 'paged' as const, files: 600, fallback: true },
  ])(
    'file list capped GitHub-style ($filesMode, $files files): complete either way (trees used: $fallback)',
    async ({ filesMode, files, fallback }) => {
      const repo = TestRepo.create();
      repo.write({ 'README.md': 'r' });
      const before = repo.commit();
      repo.write(Object.fromEntries(Array.from({ length: files }, (_, i) => [`content/f${i}.md`, String(i)])));
      const after = repo.commit();
      const r = await replay({ repo: repo.dir, filesMode });

      const { changes, log } = await viaApi(r, { name: 'push', payload: pushPayload(before, after) });

      expect(changes.files).toHaveLength(files);
      expect(r.requests.some((q) => q.url.includes('/git/trees/'))).toBe(fallback);
      if (fallback) expect(log.join('\n')).toContain('may be capped');
    },
  );

  it('fails loudly, naming the commit, when even the trees are truncated', async () => {
    const repo = TestRepo.create();
    repo.write({ 'README.md': 'r' });
    const before = repo.commit();
    repo.write(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`content/f${i}.md`, String(i)])));
    const after = repo.commit();
    const r = await replay({ repo: repo.dir, treeLimit: 100 });
    await expect(viaApi(r, { name: 'push', payload: pushPayload(before, after) })).rejects.toThrow(
      /tree of commit [0-9a-f]{40} is too large .*truncated/,
    );
  });

  it('falls back to the trees when the compare endpoint errors (diff too large to generate)', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': '1' });
    const before = repo.commit();
    repo.write({ 'content/a.md': '2' });
    const after = repo.commit();
    const r = await replay({ repo: repo.dir, compareStatus: 500 });
    const { changes, log } = await viaApi(r, { name: 'push', payload: pushPayload(before, after) });
    expect(lines(changes.files)).toEqual(['modified content/a.md']);
    expect(log.join('\n')).toContain('HTTP 500');
  });

  it('a stalled API ends in an error naming the commit, not a hung job', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': '1' });
    const before = repo.commit();
    repo.write({ 'content/a.md': '2' });
    const after = repo.commit();
    const r = await replay({ repo: repo.dir, stallOn: '/git/commits/' });
    const event = { name: 'push', payload: pushPayload(before, after) };
    await expect(
      collectFor(event, { workspace: tempDir(), diffSource: 'api', api: { ...apiSettings(r), timeoutMs: 300 } }),
    ).rejects.toThrow(new RegExp(`commit ${after} cannot be read through the GitHub API: the GitHub API did not answer in time`));
  });

  it('names the commit GitHub does not have, and a refused token', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': '1' });
    const after = repo.commit();
    const missing = 'e'.repeat(40);
    const r = await replay({ repo: repo.dir });
    await expect(viaApi(r, { name: 'push', payload: pushPayload(missing, after) })).rejects.toThrow(
      `commit ${missing} cannot be read through the GitHub API: the API answered 404`,
    );
    const wrong = await collectFor(
      { name: 'push', payload: pushPayload(after, after) },
      { workspace: tempDir(), diffSource: 'api', api: { ...apiSettings(r), token: 'ghs_wrong' } },
    ).catch((e: unknown) => e as Error);
    expect(String(wrong)).toContain(`commit ${after} cannot be read through the GitHub API: HTTP 401`);
    expect(String(wrong)).not.toContain('ghs_wrong');
  });

  it('without a checkout or a token: one clear message', async () => {
    await expect(
      collectFor(
        { name: 'push', payload: pushPayload('a'.repeat(40), 'b'.repeat(40)) },
        { workspace: tempDir(), diffSource: 'auto', api: { repository: REPOSITORY } },
      ),
    ).rejects.toThrow(/is not a git checkout.*the GitHub API source needs a token \(the `github-token` input is empty\)/);
  });

  it('auto: a checkout that cannot fetch (persist-credentials: false) says so and uses the API', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/a.md': '1' });
    const before = repo.commit();
    repo.write({ 'content/a.md': '2', 'content/b.md': 'b' });
    const after = repo.commit();
    const remote = await startGitHttpRemote(repo.bareOrigin(), 'ghs_clone');
    try {
      const checkout = await TestRepo.checkout(remote.url, { extraHeader: remote.authorization, persistCredentials: false });
      const r = await replay({ repo: repo.dir });
      const { changes, log, warnings } = await collectFor(
        { name: 'push', payload: pushPayload(before, after) },
        { workspace: checkout.dir, diffSource: 'auto', api: apiSettings(r) },
      );
      expect(changes.source).toBe('api');
      expect(lines(changes.files)).toEqual(['added content/b.md', 'modified content/a.md']);
      expect(log[0]).toContain('diff source: git');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^git cannot fetch from origin in this checkout \(.*\): using the GitHub API instead$/);
    } finally {
      await remote.close();
    }
  });
});

/** Scenarios: the same commits through both sources must give the same change set. */
const scenarios: Array<{
  name: string;
  build: () => { repo: TestRepo; event: { name: string; payload: unknown; base?: string; head?: string }; branch?: string };
}> = [
  {
    name: 'plain push with a rename and odd names',
    build: () => {
      const repo = TestRepo.create();
      repo.write({ 'content/old.md': 'body long enough to be a rename\n'.repeat(4), 'content/x.md': '1' });
      const before = repo.commit();
      repo.write({
        'content/old.md': null,
        'content/new.md': 'body long enough to be a rename\n'.repeat(4),
        'content/-dash é.md': 'd',
        'content/x.md': '2',
      });
      return { repo, event: { name: 'push', payload: pushPayload(before, repo.commit()) } };
    },
  },
  {
    name: 'force push',
    build: () => {
      const repo = TestRepo.create();
      repo.write({ 'content/a.md': '1', 'content/b.md': '1' });
      const root = repo.commit();
      repo.write({ 'content/a.md': '2', 'content/c.md': 'c' });
      const before = repo.commit();
      const origin = repo.bareOrigin();
      repo.git('reset', '--quiet', '--hard', root);
      repo.write({ 'content/b.md': '2' });
      const after = repo.commit();
      repo.pushTo(origin, '+main');
      return { repo, event: { name: 'push', payload: pushPayload(before, after, { forced: true }) } };
    },
  },
  {
    name: 'submodule bump and a file that became a symlink',
    build: () => {
      const repo = TestRepo.create();
      repo.write({ 'content/page.md': 'p', 'content/target.md': 't' });
      mkdirSync(join(repo.dir, 'vendor/theme'), { recursive: true }); // an unpopulated submodule
      repo.git('update-index', '--add', '--cacheinfo', `160000,${'a'.repeat(40)},vendor/theme`);
      const before = repo.commit();
      repo.git('update-index', '--cacheinfo', `160000,${'b'.repeat(40)},vendor/theme`);
      rmSync(join(repo.dir, 'content/page.md'));
      symlinkSync('target.md', join(repo.dir, 'content/page.md'));
      return { repo, event: { name: 'push', payload: pushPayload(before, repo.commit()) } };
    },
  },
  {
    name: 'new branch off main',
    build: () => {
      const repo = TestRepo.create();
      repo.write({ 'content/a.md': '1' });
      repo.commit();
      repo.git('checkout', '--quiet', '-b', 'feature');
      repo.write({ 'content/f.md': 'f', 'content/a.md': '2' });
      const head = repo.commit();
      repo.git('checkout', '--quiet', 'main');
      repo.write({ 'content/m.md': 'm' });
      repo.commit();
      return {
        repo,
        branch: 'feature',
        event: { name: 'push', payload: { ...pushPayload('0'.repeat(40), head), ref: 'refs/heads/feature', created: true } },
      };
    },
  },
  ...(['merge', 'squash', 'rebase'] as const).map((how) => ({
    name: `pull request merged by ${how}`,
    build: () => {
      const repo = TestRepo.create();
      repo.write({ 'content/base.md': 'b' });
      repo.commit();
      repo.git('checkout', '--quiet', '-b', 'pr');
      repo.write({ 'content/one.md': '1' });
      repo.commit('one');
      repo.write({ 'content/two.md': '2', 'content/base.md': 'edited' });
      const prHead = repo.commit('two');
      repo.git('update-ref', 'refs/pull/3/head', prHead);
      repo.git('checkout', '--quiet', 'main');
      repo.write({ 'content/meanwhile.md': 'm' });
      repo.commit();
      if (how === 'merge') repo.git('merge', '--quiet', '--no-ff', '-m', 'Merge #3', 'pr');
      if (how === 'squash') {
        repo.git('merge', '--quiet', '--squash', 'pr');
        repo.commit('Squash #3');
      }
      if (how === 'rebase') {
        repo.git('checkout', '--quiet', 'pr');
        repo.git('rebase', '--quiet', 'main');
        repo.git('checkout', '--quiet', 'main');
        repo.git('merge', '--quiet', '--ff-only', 'pr');
      }
      const payload = {
        action: 'closed',
        pull_request: { number: 3, merged: true, merge_commit_sha: repo.head(), commits: 2, head: { sha: prHead } },
      };
      return { repo, event: { name: 'pull_request', payload } };
    },
  })),
  {
    name: 'SHA-256 repository',
    build: () => {
      const repo = TestRepo.create({ objectFormat: 'sha256' });
      repo.write({ 'content/a.md': '1', 'content/b.md': '1' });
      const before = repo.commit();
      repo.write({ 'content/a.md': '2', 'content/b.md': null, 'content/c.md': 'c' });
      return { repo, event: { name: 'push', payload: pushPayload(before, repo.commit()) } };
    },
  },
];

describe('parity: git and api give the same change set', () => {
  it.each(scenarios)('$name', async ({ build }) => {
    const { repo, event, branch } = build();
    const git = await viaGit(repo, event, branch);
    const r = await replay({ repo: repo.dir });
    const api = await viaApi(r, event);
    expect(git.changes.files.length).toBeGreaterThan(0);
    expect(touched(api.changes.files)).toEqual(touched(git.changes.files));
    expect(api.changes.base).toBe(git.changes.base);
    expect(api.changes.head).toBe(git.changes.head);
    expect(api.warnings).toEqual(git.warnings);
  });
});
