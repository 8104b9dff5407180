/**
 * Verification's rules as plain values: what each path should answer (from the mapping: the
 * old side of a deleted or renamed file, through a template inserting from it, should be gone),
 * and what each header family says about how fresh an answer is.
 */
import { describe, expect, it } from 'vitest';
import { mapChanges } from '../../src/mapping/apply.js';
import { parseMapping } from '../../src/mapping/rules.js';
import type { ChangedFile, Delivery } from '../../src/types.js';
import {
  expectationOf,
  judgeAnswer,
  judgeFreshness,
  readCacheHeaders,
  type Answer,
  type FreshnessContext,
} from '../../src/verify/rules.js';
import { revalidatedPaths, standInsFor } from '../../src/verify/stage.js';

function expectations(yaml: string, files: ChangedFile[], paths: string[] = []): Record<string, string> {
  const { rules } = parseMapping(yaml, 'mapping');
  const { targets } = mapChanges(rules, files, { paths, tags: [] });
  return Object.fromEntries(targets.filter((t) => t.type === 'path').map((t) => [t.value, expectationOf(t)]));
}

const BLOG = `
- files: content/blog/[slug].md
  paths: ["/blog/[slug]", /blog]
`;

describe('what a revalidated path should answer', () => {
  it('a deleted file’s own page should be gone; a page without an insertion from it stays', () => {
    expect(expectations(BLOG, [{ path: 'content/blog/old.md', status: 'deleted' }])).toEqual({ '/blog': 'served', '/blog/old': 'gone' });
  });

  it('a rename: the old name’s page gone, the new one served', () => {
    expect(expectations(BLOG, [{ path: 'content/blog/new.md', previousPath: 'content/blog/old.md', status: 'renamed' }])).toEqual({
      '/blog': 'served',
      '/blog/new': 'served',
      '/blog/old': 'gone',
    });
  });

  it('added, modified and copied files are served', () => {
    expect(
      expectations(BLOG, [
        { path: 'content/blog/a.md', status: 'added' },
        { path: 'content/blog/b.md', status: 'modified' },
        { path: 'content/blog/c.md', previousPath: 'content/blog/b.md', status: 'copied' },
      ]),
    ).toEqual({ '/blog': 'served', '/blog/a': 'served', '/blog/b': 'served', '/blog/c': 'served' });
  });

  it('a path the old side produced and anything else produced too is served', () => {
    // The old file's page is also a live file's page (another rule), or named by the `paths` input.
    const yaml = `${BLOG}
- files: content/drafts/[slug].md
  paths: /blog/[slug]
`;
    const files: ChangedFile[] = [
      { path: 'content/blog/kept.md', status: 'deleted' },
      { path: 'content/drafts/kept.md', status: 'added' },
      { path: 'content/blog/named.md', status: 'deleted' },
    ];
    expect(expectations(yaml, files, ['/blog/named'])).toEqual({ '/blog': 'served', '/blog/kept': 'served', '/blog/named': 'served' });
  });

  it('a deleted file matched by a rule of literal paths only leaves them served', () => {
    expect(expectations('- files: data/*.json\n  paths: [/, /about]', [{ path: 'data/nav.json', status: 'deleted' }])).toEqual({
      '/': 'served',
      '/about': 'served',
    });
  });
});

const none: FreshnessContext = { sinceDeliveryMs: 2000, old: [] };
const answer = (headers: Record<string, string>, extra: Partial<Answer> = {}): Answer => ({
  status: 200,
  headers,
  digest: 'new',
  ...extra,
});
const oldCopy = { status: 200, digest: 'old', why: 'before' as const };

describe('freshness, header family by header family', () => {
  it.each([
    ['x-nextjs-cache', 'MISS', 'fresh'],
    ['x-nextjs-cache', 'REVALIDATED', 'fresh'],
    ['x-nextjs-cache', 'STALE', 'stale'],
    ['x-nextjs-cache', 'HIT', 'cached'],
    ['x-vercel-cache', 'MISS', 'fresh'],
    ['x-vercel-cache', 'BYPASS', 'fresh'],
    ['x-vercel-cache', 'STALE', 'stale'],
    ['x-vercel-cache', 'PRERENDER', 'cached'],
    ['x-vercel-cache', 'HIT', 'cached'],
    ['cf-cache-status', 'MISS', 'fresh'],
    ['cf-cache-status', 'EXPIRED', 'fresh'],
    ['cf-cache-status', 'DYNAMIC', 'fresh'],
    ['cf-cache-status', 'UPDATING', 'stale'],
    ['cf-cache-status', 'STALE', 'stale'],
    ['cf-cache-status', 'HIT', 'cached'],
    ['x-cache', 'Miss from cloudfront', 'fresh'],
    ['x-cache', 'RefreshHit from cloudfront', 'fresh'],
    ['x-cache', 'Hit from cloudfront', 'cached'],
    ['x-cache', 'MISS, HIT', 'cached'],
    ['x-cache', 'MISS, MISS', 'fresh'],
    ['x-cache', 'TCP_HIT', 'cached'],
  ])('%s: %s → %s', (header, value, signal) => {
    expect(readCacheHeaders({ [header]: value })).toEqual([{ header, value, signal }]);
  });

  it('values it does not know, and other headers, say nothing', () => {
    expect(readCacheHeaders({ 'x-nextjs-cache': 'SOMETHING', 'cf-cache-status': 'NONE', server: 'nginx' })).toEqual([]);
  });

  it('a MISS is fresh; any layer serving a stale copy makes the answer stale', () => {
    expect(judgeFreshness(answer({ 'x-nextjs-cache': 'MISS' }), none)).toEqual({ freshness: 'fresh', evidence: 'x-nextjs-cache: MISS' });
    expect(judgeFreshness(answer({ 'x-nextjs-cache': 'MISS', 'cf-cache-status': 'STALE' }), none).freshness).toBe('stale');
  });

  it('age: a copy older than the revalidation is stale; one stored since is fresh, even on a HIT', () => {
    const ctx = { sinceDeliveryMs: 10_000, old: [] };
    const old = judgeFreshness(answer({ 'cf-cache-status': 'HIT', age: '3600' }), ctx);
    expect(old.freshness).toBe('stale');
    expect(old.evidence).toBe('cf-cache-status: HIT; age: 3600; a copy 3600 s old, stored before the revalidation 10 s ago');
    expect(judgeFreshness(answer({ 'cf-cache-status': 'HIT', age: '4' }), ctx).freshness).toBe('fresh');
    expect(judgeFreshness(answer({ 'x-cache': 'Hit from cloudfront', age: '11' }), ctx).freshness).toBe('fresh'); // 1 s of rounding
    expect(judgeFreshness(answer({ 'x-cache': 'Hit from cloudfront', age: '12' }), ctx).freshness).toBe('stale');
  });

  it('a HIT with nothing to compare it with is unconfirmed, not fresh', () => {
    expect(judgeFreshness(answer({ 'x-nextjs-cache': 'HIT' }), none)).toEqual({
      freshness: 'unconfirmed',
      evidence: 'x-nextjs-cache: HIT; no copy from before the revalidation to compare with',
    });
  });

  it('a HIT with the same validators as before the revalidation is unconfirmed; with new ones, fresh', () => {
    const etagBefore = { sinceDeliveryMs: 2000, old: [{ status: 200, etag: '"a"', digest: 'x', why: 'before' as const }] };
    expect(judgeFreshness(answer({ 'x-nextjs-cache': 'HIT', etag: '"a"' }), etagBefore)).toEqual({
      freshness: 'unconfirmed',
      evidence: 'x-nextjs-cache: HIT; the same copy as before the revalidation',
    });
    expect(judgeFreshness(answer({ 'x-nextjs-cache': 'HIT', etag: '"b"' }), etagBefore)).toEqual({
      freshness: 'fresh',
      evidence: 'x-nextjs-cache: HIT; new etag "b" since before the revalidation',
    });
    // Without an ETag, the page's own bytes tell the copies apart.
    expect(judgeFreshness(answer({ 'x-vercel-cache': 'HIT' }, { digest: 'old' }), { sinceDeliveryMs: 1, old: [oldCopy] }).freshness).toBe(
      'unconfirmed',
    );
    expect(judgeFreshness(answer({ 'x-vercel-cache': 'HIT' }), { sinceDeliveryMs: 1, old: [oldCopy] })).toEqual({
      freshness: 'fresh',
      evidence: 'x-vercel-cache: HIT; new content since before the revalidation',
    });
  });

  it('a HIT with the copy a STALE answer served is still stale', () => {
    const ctx = { sinceDeliveryMs: 1000, old: [{ ...oldCopy, why: 'stale' as const }] };
    expect(judgeFreshness(answer({ 'x-nextjs-cache': 'HIT' }, { digest: 'old' }), ctx)).toEqual({
      freshness: 'stale',
      evidence: 'x-nextjs-cache: HIT; the same copy as the stale answer before',
    });
  });

  it('last-modified after the revalidation (on the server’s clock) is fresh', () => {
    const date = 'Tue, 01 Dec 2026 12:00:10 GMT';
    const ctx = { sinceDeliveryMs: 5000, old: [] };
    expect(judgeFreshness(answer({ 'x-cache': 'HIT', date, 'last-modified': 'Tue, 01 Dec 2026 12:00:07 GMT' }), ctx).freshness).toBe(
      'fresh',
    );
    expect(judgeFreshness(answer({ 'x-cache': 'HIT', date, 'last-modified': 'Tue, 01 Dec 2026 11:00:00 GMT' }), ctx).freshness).toBe(
      'unconfirmed',
    );
  });

  it('no cache headers: no-store or private is fresh; otherwise the content decides', () => {
    expect(judgeFreshness(answer({ 'cache-control': 'private, no-cache, no-store' }), none).freshness).toBe('fresh');
    expect(judgeFreshness(answer({}), none)).toEqual({
      freshness: 'unconfirmed',
      evidence: 'no cache headers; no copy from before the revalidation to compare with',
    });
    expect(judgeFreshness(answer({}), { sinceDeliveryMs: 1, old: [oldCopy] }).freshness).toBe('fresh');
  });
});

describe('an answer against what the path should answer', () => {
  it('200 fresh is fresh; 404 where the page should be served is the wrong status', () => {
    expect(judgeAnswer('served', answer({ 'x-nextjs-cache': 'MISS' }), none).result).toBe('fresh');
    expect(judgeAnswer('served', answer({ 'x-nextjs-cache': 'MISS' }, { status: 404 }), none)).toEqual({
      result: 'wrong-status',
      evidence: 'expected 200; x-nextjs-cache: MISS',
    });
    expect(judgeAnswer('served', answer({}, { status: 500 }), none).result).toBe('wrong-status');
  });

  it('a deleted page: 404 or 410 as expected, a redirect away too; 200 is the wrong status', () => {
    expect(judgeAnswer('gone', answer({ 'x-nextjs-cache': 'MISS' }, { status: 404 }), none).result).toBe('fresh');
    expect(judgeAnswer('gone', answer({ 'x-nextjs-cache': 'MISS' }, { status: 410 }), none).result).toBe('fresh');
    expect(judgeAnswer('gone', answer({}, { status: 301, location: 'https://x.example/blog' }), none)).toEqual({
      result: 'fresh',
      evidence: 'redirects to https://x.example/blog',
    });
    expect(judgeAnswer('gone', answer({ 'x-vercel-cache': 'MISS' }), none)).toEqual({
      result: 'wrong-status',
      evidence: 'expected 404 or 410; x-vercel-cache: MISS',
    });
  });

  it('a stale answer is asked again, whatever its status', () => {
    expect(judgeAnswer('served', answer({ 'x-nextjs-cache': 'STALE' }), none).result).toBe('ask-again');
    expect(judgeAnswer('gone', answer({ 'x-nextjs-cache': 'STALE' }), none).result).toBe('ask-again');
  });

  it('a redirect to another origin where the page should be served fails, saying where', () => {
    expect(judgeAnswer('served', answer({}, { status: 308, location: 'https://other.example/x', crossOrigin: true }), none)).toEqual({
      result: 'wrong-status',
      evidence: 'redirects to https://other.example/x (another origin, not followed)',
    });
  });
});

describe('tags are not visited', () => {
  it('the paths from the same files stand in for a tag', () => {
    const perFile = [
      {
        file: 'a.md',
        status: 'modified' as const,
        targets: [
          { type: 'path' as const, value: '/a' },
          { type: 'tag' as const, value: 'posts' },
        ],
      },
      {
        file: 'b.md',
        status: 'modified' as const,
        targets: [
          { type: 'path' as const, value: '/b' },
          { type: 'tag' as const, value: 'posts' },
        ],
      },
      { file: 'c.json', status: 'modified' as const, targets: [{ type: 'tag' as const, value: 'authors' }] },
    ];
    expect(standInsFor(['posts', 'authors'], new Set(['/a', '/b']), perFile)).toEqual([
      { tag: 'posts', paths: ['/a', '/b'] },
      { tag: 'authors', paths: [] },
    ]);
  });
});

describe('which delivered paths are visited', () => {
  it('each revalidated path once, however many endpoints took it; tags and failures never', () => {
    const at = (value: string, status: 'revalidated' | 'failed', endpoint: string, type: 'path' | 'tag' = 'path'): Delivery => ({
      target: { type, value, sources: [] },
      status,
      attempts: 1,
      ms: 1,
      endpoint,
    });
    const visited = revalidatedPaths([
      at('/a', 'revalidated', 'https://staging.example'),
      at('/a', 'revalidated', 'https://www.example'),
      at('/b', 'failed', 'https://staging.example'),
      at('/b', 'revalidated', 'https://www.example'),
      at('/c', 'failed', 'https://www.example'),
      at('posts', 'revalidated', 'https://www.example', 'tag'),
    ]);
    expect(visited.map((t) => t.value)).toEqual(['/a', '/b']);
  });
});
