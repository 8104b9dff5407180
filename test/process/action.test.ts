/**
 * The bundled action as a whole process (node dist/index.js), under this machine's Node and the
 * runners' Node 24, in real git repositories against a real receiver on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction, visibleLog } from '../helpers/action.js';
import { TestRepo } from '../helpers/git.js';
import { receivedTargets, startReceiver, type Receiver } from '../helpers/receiver.js';

const SECRET = 's3cret-value-for-tests';
const MAPPING = `
- files: content/blog/[slug].{md,mdx}
  paths: ["/blog/[slug]", /blog]
  tags: [posts, "post:[slug]"]
- files: data/authors/*.json
  tags: authors
`;

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver({ secret: SECRET });
});
afterEach(async () => {
  await receiver.close();
});

function pushEvent(before: string, after: string) {
  return { ref: 'refs/heads/main', before, after, created: false, deleted: false };
}

describe.each(nodeRuntimes())('bundled action under $name', ({ path: node }) => {
  it('revalidates exactly what a push in a shallow checkout changed', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/blog/first.md': 'one', 'content/blog/gone.md': 'bye', 'content/blog/my post é.md': 'x', 'README.md': 'hi' });
    const before = repo.commit('initial');
    repo.write({
      'content/blog/first.md': 'one, edited',
      'content/blog/gone.md': null,
      'content/blog/my post é.md': 'y',
      'data/authors/ada.json': '{}',
      'README.md': 'hello',
    });
    const after = repo.commit('edit');
    // The runner's checkout holds only `after` (depth 1): `before` must be fetched by SHA.
    const checkout = TestRepo.shallowClone(repo.bareOrigin());
    expect(() => checkout.git('cat-file', '-e', `${before}^{commit}`)).toThrow();

    const run = await runAction({
      node,
      workspace: checkout.dir,
      event: pushEvent(before, after),
      inputs: { endpoint: receiver.url, secret: SECRET, mapping: MAPPING },
    });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(receivedTargets(receiver)).toEqual([
      { type: 'path', value: '/blog' },
      { type: 'path', value: '/blog/first' },
      { type: 'path', value: '/blog/gone' },
      { type: 'path', value: '/blog/my post é' },
      { type: 'tag', value: 'authors' },
      { type: 'tag', value: 'post:first' },
      { type: 'tag', value: 'post:gone' },
      { type: 'tag', value: 'post:my post é' },
      { type: 'tag', value: 'posts' },
    ]);
    for (const r of receiver.requests) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/api/revalidate');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-revalidation-secret']).toBe(SECRET);
    }
    expect(JSON.parse(run.outputs['changed-files'] ?? '')).toEqual([
      'README.md',
      'content/blog/first.md',
      'content/blog/gone.md',
      'content/blog/my post é.md',
      'data/authors/ada.json',
    ]);
    expect(JSON.parse(run.outputs.paths ?? '')).toEqual(['/blog', '/blog/first', '/blog/gone', '/blog/my post é']);
    expect(JSON.parse(run.outputs.tags ?? '')).toEqual(['authors', 'post:first', 'post:gone', 'post:my post é', 'posts']);
    expect(run.outputs.revalidated).toBe('9');
    expect(run.outputs.failed).toBe('[]');
    expect(run.summary).toContain('**9 revalidated**');
    expect(run.summary).toContain('| <code>content/blog/gone.md</code> | deleted |');
    expect(run.stdout).toContain(`fetched ${before}`);
    expect(visibleLog(run) + run.summary + JSON.stringify(run.outputs)).not.toContain(SECRET.slice(2));
  });

  it('workflow_dispatch sends just the explicit tags and paths', async () => {
    const run = await runAction({
      node,
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
      inputs: { endpoint: receiver.url, secret: SECRET, tags: 'posts', paths: '/about/, /' },
    });
    expect(run.code).toBe(0);
    expect(receivedTargets(receiver)).toEqual([
      { type: 'path', value: '/' },
      { type: 'path', value: '/about' },
      { type: 'tag', value: 'posts' },
    ]);
    expect(run.outputs.revalidated).toBe('3');
    expect(run.outputs['changed-files']).toBe('[]');
  });

  it('fails with every output set when the mapping is wrong, and sends nothing', async () => {
    const run = await runAction({
      node,
      eventName: 'workflow_dispatch',
      inputs: {
        endpoint: receiver.url,
        secret: SECRET,
        tags: 'posts',
        mapping: '- files: content/[slug].md\n  paths: [/blog/[slug], /blog]\n',
      },
    });
    expect(run.code).toBe(1);
    expect(receiver.requests).toHaveLength(0);
    expect(run.stdout).toContain('::error::input `mapping`, line 2: YAML syntax error');
    expect(run.stdout).toContain('quote templates inside [ ] lists');
    expect(run.stdout).toContain('paths: ["/blog/[slug]", /blog]');
    expect(run.outputs).toEqual({
      'changed-files': '[]',
      paths: '[]',
      tags: '[]',
      revalidated: '0',
      failed: '[]',
      verified: '0',
      unverified: '[]',
    });
    expect(run.summary).toContain('YAML syntax error');
  });

  it('reports a refused secret per target and fails the step', async () => {
    const run = await runAction({
      node,
      eventName: 'workflow_dispatch',
      inputs: { endpoint: receiver.url, secret: 'wrong-secret-here', tags: 'a, b' },
    });
    expect(run.code).toBe(1);
    const failed = JSON.parse(run.outputs.failed ?? '') as Array<{ type: string; value: string; status: number | null; error: string }>;
    expect(failed.map((f) => [f.type, f.value])).toEqual([
      ['tag', 'a'],
      ['tag', 'b'],
    ]);
    expect(failed.some((f) => f.status === 401 && f.error.includes('`x-revalidation-secret` header'))).toBe(true);
    expect(run.outputs.revalidated).toBe('0');
    expect(run.stdout).toContain('::error::2 of 2 target(s) were not revalidated');
    expect(visibleLog(run) + run.summary + JSON.stringify(run.outputs)).not.toContain('wrong-secret-here');
  });

  it('dry-run computes and reports everything without an endpoint and sends nothing', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/blog/a.md': '1' });
    const before = repo.commit();
    repo.write({ 'content/blog/a.md': '2' });
    const after = repo.commit();
    const run = await runAction({
      node,
      workspace: repo.dir,
      event: pushEvent(before, after),
      inputs: { 'dry-run': 'true', mapping: MAPPING },
    });
    expect(run.code).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    expect(JSON.parse(run.outputs.paths ?? '')).toEqual(['/blog', '/blog/a']);
    expect(run.outputs.revalidated).toBe('0');
    expect(run.summary).toContain('**Dry run**: 4 targets would be sent');
  });
  it('reads mapping-file from the workspace, honours base/head and secret-header, and fail-on-error: false', async () => {
    const repo = TestRepo.create();
    repo.write({ '.github/revalidate.yml': MAPPING, 'content/blog/a.md': '1', 'content/blog/b.md': '1' });
    const first = repo.commit();
    repo.write({ 'content/blog/a.md': '2' });
    const second = repo.commit();
    repo.write({ 'content/blog/b.md': '2' });
    repo.commit();
    const custom = await startReceiver({ secret: SECRET, header: 'x-custom' });
    try {
      const run = await runAction({
        node,
        workspace: repo.dir,
        eventName: 'workflow_dispatch',
        inputs: {
          endpoint: custom.url,
          secret: SECRET,
          'secret-header': 'X-Custom',
          'mapping-file': '.github/revalidate.yml',
          base: first,
          head: second,
          tags: 'extra',
          'fail-on-error': 'false',
        },
      });
      // Only a.md changed between base and head; b.md changed after head.
      expect(receivedTargets(custom)).toEqual([
        { type: 'path', value: '/blog' },
        { type: 'path', value: '/blog/a' },
        { type: 'tag', value: 'extra' },
        { type: 'tag', value: 'post:a' },
        { type: 'tag', value: 'posts' },
      ]);
      expect(custom.requests.every((r) => r.headers['x-custom'] === SECRET && r.headers['x-revalidation-secret'] === undefined)).toBe(true);
      expect(run.code).toBe(0);
      expect(run.outputs.revalidated).toBe('5');
    } finally {
      await custom.close();
    }
    // The same run against a refusing endpoint still exits 0 with fail-on-error false, with a warning.
    const refused = await runAction({
      node,
      workspace: repo.dir,
      eventName: 'workflow_dispatch',
      inputs: { endpoint: receiver.url, secret: 'not-it', tags: 'x', 'fail-on-error': 'false' },
    });
    expect(refused.code).toBe(0);
    expect(refused.stdout).toContain('::warning::1 of 1 target(s) were not revalidated (fail-on-error is false)');
    expect(JSON.parse(refused.outputs.failed ?? '')).toEqual([expect.objectContaining({ type: 'tag', value: 'x', status: 401 })]);
  });

  it('a missing mapping-file is one clear error naming the input', async () => {
    const repo = TestRepo.create();
    repo.commit();
    const run = await runAction({
      node,
      workspace: repo.dir,
      eventName: 'workflow_dispatch',
      inputs: { 'dry-run': 'true', 'mapping-file': 'nope.yml' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::input `mapping-file`: cannot read nope.yml (no such file in the workspace; is the repository checked out?)',
    );
    expect(run.outputs.revalidated).toBe('0');
  });

  it('bad inputs fail before anything is sent, naming each input', async () => {
    const run = await runAction({
      node,
      eventName: 'workflow_dispatch',
      inputs: { endpoint: receiver.url, secret: SECRET, concurrency: '0', tags: 'x' },
    });
    expect(run.code).toBe(1);
    expect(receiver.requests).toHaveLength(0);
    expect(run.stdout).toContain('::error::input `concurrency` must be at least 1 (got "0")');
  });
});
