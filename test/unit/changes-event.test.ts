/** Event resolution (pure): every row of the README's change-detection table. */
import { describe, expect, it } from 'vitest';
import { resolvePlan, type PlanInput } from '../../src/changes/event.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);
const plan = (eventName: string, payload: unknown, extra: Partial<PlanInput> = {}) =>
  resolvePlan({ eventName, payload, hasExplicitTargets: false, ...extra });
const push = (extra: Record<string, unknown> = {}) => ({
  ref: 'refs/heads/main',
  before: A,
  after: B,
  repository: { default_branch: 'main' },
  ...extra,
});

describe('push', () => {
  it('diffs before → after; a force push is said so', () => {
    expect(plan('push', push())).toMatchObject({
      kind: 'diff',
      base: A,
      head: B,
      description: 'push to refs/heads/main: aaaaaaa → bbbbbbb',
    });
    expect(plan('push', push({ forced: true }))).toMatchObject({
      kind: 'diff',
      base: A,
      head: B,
      description: expect.stringMatching(/^force push/),
    });
  });

  it('accepts SHA-256 ids', () => {
    const a = '1'.repeat(64);
    const b = '2'.repeat(64);
    expect(plan('push', push({ before: a, after: b }))).toMatchObject({ kind: 'diff', base: a, head: b });
  });

  it('a new branch leaves the fallback to collect, with the default branch', () => {
    expect(plan('push', push({ before: ZERO, created: true, ref: 'refs/heads/feature' }))).toMatchObject({
      kind: 'new-branch',
      ref: 'refs/heads/feature',
      head: B,
      defaultBranch: 'main',
    });
  });

  it('a deleted branch or a tag: nothing, in one line', () => {
    expect(plan('push', push({ after: ZERO, deleted: true }))).toEqual({
      kind: 'nothing',
      description: 'push deleting refs/heads/main: nothing to revalidate',
      warnings: [],
    });
    expect(plan('push', push({ ref: 'refs/tags/v1.2.0' }))).toMatchObject({
      kind: 'nothing',
      description: 'push of tag v1.2.0: tags do not change content, nothing to revalidate',
    });
  });

  it('a malformed payload names the field', () => {
    expect(() => plan('push', push({ before: 'HEAD^' }))).toThrow(
      'the push event payload is not usable: `before` is not a commit id (40 or 64 hex digits)',
    );
    expect(() => plan('push', {})).toThrow(/`ref`/);
  });
});

describe('base/head inputs', () => {
  it('override any event, even a tag push or an unknown event', () => {
    for (const [name, payload] of [
      ['push', push({ ref: 'refs/tags/v1' })],
      ['schedule', {}],
      ['pull_request', { action: 'opened' }],
    ] as const) {
      expect(plan(name, payload, { base: 'main', head: B })).toMatchObject({ kind: 'diff', base: 'main', head: B });
    }
  });
});

describe('pull_request', () => {
  const pr = (action: string, merged: boolean, extra: Record<string, unknown> = {}) => ({
    action,
    pull_request: { number: 12, merged, merge_commit_sha: merged ? B : null, commits: 4, head: { sha: A }, ...extra },
  });
  it('closed and merged: the merge commit, with what tells a rebase from a squash', () => {
    expect(plan('pull_request', pr('closed', true))).toMatchObject({ kind: 'pr-merge', number: 12, merge: B, prHead: A, commits: 4 });
    expect(plan('pull_request_target', pr('closed', true))).toMatchObject({ kind: 'pr-merge', merge: B });
  });
  it('closed without merging, or not closed: nothing', () => {
    expect(plan('pull_request', pr('closed', false))).toMatchObject({
      kind: 'nothing',
      description: 'pull request #12 closed without merging: nothing to revalidate',
    });
    expect(plan('pull_request', pr('synchronize', false))).toMatchObject({ kind: 'nothing' });
  });
  it('merged without a merge commit id is an error', () => {
    expect(() => plan('pull_request', pr('closed', true, { merge_commit_sha: null }))).toThrow(
      '`pull_request.merge_commit_sha` is missing',
    );
  });
});

describe('repository_dispatch', () => {
  const dispatch = (client_payload: unknown) => ({ action: 'content-updated', client_payload });
  it('takes paths, tags and files from client_payload', () => {
    expect(
      plan('repository_dispatch', dispatch({ paths: ['/blog'], tags: 'posts', files: ['./content/a.md', 'content/a.md'], other: 1 })),
    ).toEqual({
      kind: 'explicit',
      files: [{ path: 'content/a.md', status: 'modified' }],
      paths: ['/blog'],
      tags: ['posts'],
      description: 'repository_dispatch (content-updated): 1 file(s), 1 path(s), 1 tag(s) from client_payload',
      warnings: [],
    });
  });
  it('validates client_payload like any input', () => {
    expect(() => plan('repository_dispatch', dispatch({ paths: ['blog'] }))).toThrow(
      'repository_dispatch `client_payload`: `client_payload.paths.0` must be site paths starting with "/"',
    );
    expect(() => plan('repository_dispatch', dispatch({ files: ['/etc/passwd'] }))).toThrow(
      '`client_payload.files.0` must be paths relative to the repository root',
    );
    expect(() => plan('repository_dispatch', dispatch({ tags: [1] }))).toThrow('`client_payload.tags.0`');
    expect(() => plan('repository_dispatch', dispatch(['/blog']))).toThrow('`client_payload` must be an object');
  });
  it('an empty client_payload with no inputs warns that there is nothing to do', () => {
    const p = plan('repository_dispatch', dispatch({}));
    expect(p).toMatchObject({ kind: 'explicit', files: [], paths: [], tags: [] });
    expect(p.warnings[0]).toContain('no `paths`, `tags` or `base`/`head` were given');
  });
});

describe('other events', () => {
  it('workflow_dispatch and the rest: explicit inputs only; a clear warning when there are none', () => {
    expect(plan('workflow_dispatch', { inputs: {} }, { hasExplicitTargets: true })).toEqual({
      kind: 'explicit',
      files: [],
      paths: [],
      tags: [],
      description: 'workflow_dispatch: explicit paths/tags only',
      warnings: [],
    });
    expect(plan('workflow_dispatch', {}).description).toBe(
      'workflow_dispatch: no changed files to compare for this event, and no `paths` or `tags` given',
    );
    const none = plan('schedule', {});
    expect(none.warnings).toEqual([
      'schedule: this event names no commits to compare and no `paths`, `tags` or `base`/`head` were given, so there is nothing to revalidate',
    ]);
  });
});
