/**
 * The action run by GitHub's local runner for actions (@github/local-action), against a real
 * receiver on 127.0.0.1: a workflow_dispatch with explicit paths and tags, and a push in a real
 * repository (bare origin, depth-1 checkout). Asserted: every output action.yml declares, as
 * local-action reports it, the job summary it collected, and the requests the receiver got.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/action.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { runLocalAction } from '../helpers/local-action.js';
import { receivedTargets, startReceiver, type Receiver } from '../helpers/receiver.js';

const SECRET = 'local-action-test-secret';
const DECLARED = Object.keys((parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { outputs: object }).outputs);

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver({ secret: SECRET });
});
afterEach(async () => {
  await receiver.close();
});

describe('run by @github/local-action', () => {
  it('workflow_dispatch with explicit tags and paths: outputs, summary and requests', async () => {
    const run = await runLocalAction({
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
      workspace: tempDir(),
      inputs: { endpoint: receiver.url, secret: SECRET, paths: '/blog/hello, /', tags: 'posts, authors' },
    });
    expect(run.stdout).not.toContain('No outputs were set');
    expect(Object.keys(run.outputs).sort()).toEqual([...DECLARED].sort());
    expect(run.outputs).toEqual({
      'changed-files': '[]',
      paths: '["/","/blog/hello"]',
      tags: '["authors","posts"]',
      revalidated: '4',
      failed: '[]',
      verified: '0',
      unverified: '[]',
    });
    expect(receivedTargets(receiver)).toEqual([
      { type: 'path', value: '/' },
      { type: 'path', value: '/blog/hello' },
      { type: 'tag', value: 'authors' },
      { type: 'tag', value: 'posts' },
    ]);
    expect(receiver.requests.every((r) => r.headers['x-revalidation-secret'] === SECRET)).toBe(true);
    expect(run.summary).toContain('## isr-revalidate');
    expect(run.summary).toMatch(/4 revalidated/);
    expect(run.stdout).not.toContain(SECRET);
    expect(run.code).toBe(0);
  });

  it('a push in a depth-1 checkout: the changed files, their targets, outputs and summary', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/blog/first.md': 'one', 'content/blog/gone.md': 'bye', 'README.md': 'hi' });
    const before = repo.commit('initial');
    repo.write({ 'content/blog/first.md': 'one, edited', 'content/blog/gone.md': null, 'README.md': 'hello' });
    const after = repo.commit('edit');
    const checkout = TestRepo.shallowClone(repo.bareOrigin());
    expect(() => checkout.git('cat-file', '-e', `${before}^{commit}`)).toThrow();

    const mapping = JSON.stringify([{ files: 'content/blog/[slug].md', paths: ['/blog/[slug]', '/blog'], tags: 'posts' }]);
    const run = await runLocalAction({
      eventName: 'push',
      event: { ref: 'refs/heads/main', before, after, created: false, deleted: false },
      workspace: checkout.dir,
      inputs: { endpoint: receiver.url, secret: SECRET, mapping },
    });
    expect(Object.keys(run.outputs).sort()).toEqual([...DECLARED].sort());
    expect(JSON.parse(run.outputs['changed-files'] ?? '')).toEqual(['README.md', 'content/blog/first.md', 'content/blog/gone.md']);
    expect(run.outputs).toMatchObject({ paths: '["/blog","/blog/first","/blog/gone"]', tags: '["posts"]', revalidated: '4', failed: '[]' });
    expect(receivedTargets(receiver)).toEqual([
      { type: 'path', value: '/blog' },
      { type: 'path', value: '/blog/first' },
      { type: 'path', value: '/blog/gone' },
      { type: 'tag', value: 'posts' },
    ]);
    expect(run.summary).toContain('content/blog/gone.md');
    expect(run.code).toBe(0);
  });
});
