/**
 * The range rules of collect.ts (resolveRange) as pure logic, on an in-memory history: which two
 * trees a push, a new branch and each kind of pull request merge compare, and what is said about
 * it. The same rules against real git repositories: changes-git.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { resolveRange } from '../../src/changes/collect.js';
import type { Plan } from '../../src/changes/event.js';
import { UnreadableCommit } from '../../src/changes/source.js';
import { lines } from '../helpers/changes.js';
import { MemorySource, type MemoryCommit } from '../helpers/memory-source.js';

type DiffPlan = Extract<Plan, { kind: 'diff' | 'new-branch' | 'pr-merge' }>;

async function range(source: MemorySource, plan: DiffPlan) {
  const log: string[] = [];
  const { range: r, warnings } = await resolveRange(source, plan, (l) => log.push(l));
  const files = lines(await source.diff(r.base, r.head));
  return { ...r, files, log, warnings };
}

const push = (base: string, head: string): DiffPlan => ({ kind: 'diff', base, head, description: 'push', warnings: [] });
const newBranch = (ref: string, head: string, defaultBranch?: string): DiffPlan => ({
  kind: 'new-branch',
  ref,
  head,
  ...(defaultBranch ? { defaultBranch } : {}),
  description: 'new branch',
  warnings: [],
});
const prMerge = (merge: string, extra: { prHead?: string; commits?: number } = {}): DiffPlan => ({
  kind: 'pr-merge',
  number: 7,
  merge,
  ...extra,
  description: 'pull request #7',
  warnings: [],
});

/** A commit on `parent` whose tree is the parent's with `edits` applied (null deletes). */
function on(
  history: Record<string, MemoryCommit>,
  parent: string,
  edits: Record<string, string | null>,
  extra: Partial<MemoryCommit> = {},
): MemoryCommit {
  const files = { ...history[parent]?.files };
  for (const [path, content] of Object.entries(edits)) {
    if (content === null) delete files[path];
    else files[path] = content;
  }
  return { parents: [parent], files, ...extra };
}

describe('a push', () => {
  it('compares exactly before → after', async () => {
    const h: Record<string, MemoryCommit> = { root: { files: { 'content/a.md': '1', 'content/b.md': '1' } } };
    h.before = on(h, 'root', { 'content/a.md': '2' });
    h.middle = on(h, 'before', { 'content/c.md': '1' });
    h.after = on(h, 'middle', { 'content/b.md': null });

    const r = await range(new MemorySource(h), push('before', 'after'));

    expect(r).toMatchObject({ base: 'before', head: 'after', files: ['added content/c.md', 'deleted content/b.md'] });
    expect(r.note).toBeUndefined();
    expect(r.warnings).toEqual([]);
  });

  it('a force push compares the two trees, not from their merge base', async () => {
    const h: Record<string, MemoryCommit> = { root: { files: { 'content/a.md': '1', 'content/b.md': '1' } } };
    h.before = on(h, 'root', { 'content/a.md': '2', 'content/only-before.md': 'x' });
    h.after = on(h, 'root', { 'content/b.md': '2' });

    const r = await range(new MemorySource(h), push('before', 'after'));

    expect(r).toMatchObject({ base: 'before', head: 'after' });
    expect(r.files).toEqual(['deleted content/only-before.md', 'modified content/a.md', 'modified content/b.md']);
  });

  it('a base of `<commit>^1` is its first parent', async () => {
    const h: Record<string, MemoryCommit> = { root: { files: { 'a.md': '1' } } };
    h.head = on(h, 'root', { 'a.md': '2' });

    expect(await range(new MemorySource(h), push('head^1', 'head'))).toMatchObject({
      base: 'root',
      head: 'head',
      files: ['modified a.md'],
    });
  });
});

describe('a push creating a branch', () => {
  /** main: root → fork → later; feature: fork → f1 → f2. */
  function forked() {
    const h: Record<string, MemoryCommit> = { root: { files: { 'content/a.md': '1' } } };
    h.fork = on(h, 'root', { 'content/b.md': '1' });
    h.later = on(h, 'fork', { 'content/main-later.md': 'moved on' });
    h.f1 = on(h, 'fork', { 'content/feature-1.md': 'f' });
    h.f2 = on(h, 'f1', { 'content/feature-2.md': 'f', 'content/a.md': 'changed on the branch' });
    return new MemorySource(h, { main: 'later', feature: 'f2' });
  }

  it('is compared with its merge base with the default branch: what the branch adds, and a warning', async () => {
    const r = await range(forked(), newBranch('refs/heads/feature', 'f2', 'main'));

    expect(r).toMatchObject({ base: 'fork', head: 'f2', note: 'new branch: compared with the merge base with main' });
    expect(r.files).toEqual(['added content/feature-1.md', 'added content/feature-2.md', 'modified content/a.md']);
    expect(r.warnings).toEqual([
      'refs/heads/feature is a new branch with no previous commit: compared with its merge base fork with the default branch main (what the branch adds to it)',
    ]);
  });

  it('sharing no history with the default branch: every file added, and a warning', async () => {
    const h: Record<string, MemoryCommit> = {
      main: { files: { 'content/a.md': '1' } },
      orphan: { files: { 'docs/x.md': '1', 'docs/y.md': '1' } },
    };
    const r = await range(new MemorySource(h, { main: 'main', pages: 'orphan' }), newBranch('refs/heads/pages', 'orphan', 'main'));

    expect(r).toMatchObject({ base: null, head: 'orphan', note: 'new branch: every file treated as added' });
    expect(r.files).toEqual(['added docs/x.md', 'added docs/y.md']);
    expect(r.warnings).toEqual([
      'refs/heads/pages is a new branch that shares no history with main: every file in orphan is treated as added',
    ]);
  });

  it('the default branch itself (its first push): every file added, no merge base asked', async () => {
    const source = forked();
    const r = await range(source, newBranch('refs/heads/main', 'later', 'main'));

    expect(r).toMatchObject({ base: null, head: 'later', note: 'new branch: every file treated as added' });
    expect(r.files).toEqual(['added content/a.md', 'added content/b.md', 'added content/main-later.md']);
    expect(r.warnings).toEqual(['refs/heads/main is a new branch and it is the default branch: every file in later is treated as added']);
    expect(source.asked.filter((q) => q.startsWith('mergeBase'))).toEqual([]);
  });

  it('a payload that names no default branch: every file added, and says why', async () => {
    const r = await range(forked(), newBranch('refs/heads/feature', 'f2'));

    expect(r).toMatchObject({ base: null, head: 'f2' });
    expect(r.warnings).toEqual([
      'refs/heads/feature is a new branch and the payload names no default branch: every file in f2 is treated as added',
    ]);
  });
});

describe('a merged pull request', () => {
  /** main: base → meanwhile; the pull request: base → p1 → p2 → p3 (its head). */
  function pr() {
    const h: Record<string, MemoryCommit> = { base: { files: { 'content/base.md': 'b', 'content/pr-edit.md': 'old' } } };
    h.meanwhile = on(h, 'base', { 'content/main-meanwhile.md': 'm' });
    h.p1 = on(h, 'base', { 'content/pr-1.md': '1' }, { authored: 'author of p1' });
    h.p2 = on(h, 'p1', { 'content/pr-2.md': '2' }, { authored: 'author of p2' });
    h.p3 = on(h, 'p2', { 'content/pr-edit.md': 'new' }, { authored: 'author of p3' });
    return h;
  }
  const prFiles = ['added content/pr-1.md', 'added content/pr-2.md', 'modified content/pr-edit.md'];

  it('as a merge commit: compared with its first parent', async () => {
    const h = pr();
    h.merge = { ...on(h, 'p3', { 'content/main-meanwhile.md': 'm' }), parents: ['meanwhile', 'p3'] };

    const r = await range(new MemorySource(h), prMerge('merge', { prHead: 'p3', commits: 3 }));

    expect(r).toMatchObject({
      base: 'meanwhile',
      head: 'merge',
      note: 'merge commit, compared with its first parent meanwhile',
      files: prFiles,
    });
    expect(r.warnings).toEqual([]);
  });

  it('as a squash: compared with its one parent (the head commit does not match it)', async () => {
    const h = pr();
    h.squash = on(
      h,
      'meanwhile',
      { 'content/pr-1.md': '1', 'content/pr-2.md': '2', 'content/pr-edit.md': 'new' },
      { authored: 'the merger, now' },
    );
    const source = new MemorySource(h);

    const r = await range(source, prMerge('squash', { prHead: 'p3', commits: 3 }));

    expect(r).toMatchObject({
      base: 'meanwhile',
      head: 'squash',
      note: 'squash merge, compared with its parent meanwhile',
      files: prFiles,
    });
    expect(r.warnings).toEqual([]);
    expect(source.asked.filter((q) => q.startsWith('ancestor'))).toEqual([]);
  });

  it('as a rebase of n commits: n first parents back, so every rebased commit counts', async () => {
    const h = pr();
    // The rebased commits keep what each original had (author, date, message); new ids, new parents.
    h.r1 = on(h, 'meanwhile', { 'content/pr-1.md': '1' }, { authored: 'author of p1' });
    h.r2 = on(h, 'r1', { 'content/pr-2.md': '2' }, { authored: 'author of p2' });
    h.r3 = on(h, 'r2', { 'content/pr-edit.md': 'new' }, { authored: 'author of p3' });

    const r = await range(new MemorySource(h), prMerge('r3', { prHead: 'p3', commits: 3 }));

    expect(r).toMatchObject({
      base: 'meanwhile',
      head: 'r3',
      note: 'rebase merge of 3 commits, compared with meanwhile (3 commits back)',
      files: prFiles,
    });
    expect(r.warnings).toEqual([]);
  });

  it('one commit, squashed or rebased alike: compared with its parent, the head commit not asked', async () => {
    const h = pr();
    h.one = on(h, 'meanwhile', { 'content/pr-1.md': '1' });
    const source = new MemorySource(h);

    for (const commits of [1, undefined]) {
      const r = await range(source, prMerge('one', { prHead: 'p1', ...(commits ? { commits } : {}) }));
      expect(r).toMatchObject({
        base: 'meanwhile',
        head: 'one',
        note: 'single commit, compared with its first parent meanwhile',
        files: ['added content/pr-1.md'],
      });
    }
    expect(source.asked).not.toContain('commit p1');
  });

  it('squash or rebase undecidable (no head commit named): the wider range, n commits back, and a warning', async () => {
    const h = pr();
    h.earlier = on(h, 'meanwhile', { 'content/earlier.md': 'e' });
    h.squash = on(
      h,
      'earlier',
      { 'content/pr-1.md': '1', 'content/pr-2.md': '2', 'content/pr-edit.md': 'new' },
      { authored: 'the merger, now' },
    );

    const r = await range(new MemorySource(h), prMerge('squash', { commits: 3 }));

    // For a squash, 3 commits back reaches past its parent: never narrower than the event.
    expect(r).toMatchObject({ base: 'base', head: 'squash', note: 'rebase merge of 3 commits, compared with base (3 commits back)' });
    expect(r.files).toEqual(['added content/earlier.md', 'added content/main-meanwhile.md', ...prFiles]);
    expect(r.warnings).toEqual([
      'pull request #7: cannot tell a squash from a rebase of its 3 commits, so compared with squash~3 (exact for a rebase; for a squash it also includes up to 2 earlier commits)',
    ]);
  });

  it('squash or rebase undecidable (the head commit cannot be read): the same, and the log says why', async () => {
    const h = pr();
    h.r1 = on(h, 'meanwhile', { 'content/pr-1.md': '1' });
    h.r2 = on(h, 'r1', { 'content/pr-2.md': '2' });
    h.r3 = on(h, 'r2', { 'content/pr-edit.md': 'new' });

    const r = await range(new MemorySource(h), prMerge('r3', { prHead: 'gone', commits: 3 }));

    expect(r).toMatchObject({ base: 'meanwhile', head: 'r3', files: prFiles });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('cannot tell a squash from a rebase of its 3 commits');
    expect(r.log).toContain(
      "cannot read the pull request's head commit gone (commit gone cannot be read through the git checkout: names no commit in this history)",
    );
  });

  it('a rebase of more commits than the history holds fails naming the commit, rather than a narrower range', async () => {
    const h = pr();
    h.r1 = on(h, 'base', { 'content/pr-1.md': '1' }, { authored: 'author of p3' });

    await expect(range(new MemorySource(h), prMerge('r1', { prHead: 'p3', commits: 3 }))).rejects.toThrow(UnreadableCommit);
    await expect(range(new MemorySource(h), prMerge('r1', { prHead: 'p3', commits: 3 }))).rejects.toThrow('r1~3');
  });

  it('a root commit: every file added', async () => {
    const r = await range(new MemorySource({ root: { files: { 'a.md': '1' } } }), prMerge('root', { commits: 2 }));

    expect(r).toMatchObject({ base: null, head: 'root', note: 'a root commit: every file treated as added', files: ['added a.md'] });
  });
});
