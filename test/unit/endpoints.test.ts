/** The endpoints stage as pure logic: settings of several endpoints, which endpoint takes what, the token bucket. */
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/delivery/bucket.js';
import { kindProblems, planEndpoints } from '../../src/delivery/everywhere.js';
import { parseRateLimit } from '../../src/delivery/receivers/catalog.js';
import { parseSettings } from '../../src/inputs.js';
import { parseMapping } from '../../src/mapping/rules.js';
import type { Target } from '../../src/types.js';

const endpoints = (yaml: string, env: Record<string, string> = { A: 'secret-a', B: 'secret-b' }) =>
  parseSettings({ endpoints: yaml, tags: 'x' }, undefined, env).endpoints;
const target = (type: 'path' | 'tag', value: string): Target => ({ type, value, sources: [] });

describe('endpoints', () => {
  it('reads each entry with its receiver, secret from its environment variable, and the inputs as defaults', () => {
    const [pages, cf] = endpoints(
      [
        '- url: https://site.example/api/revalidate?x=1',
        '  receiver: next-pages',
        '  secret-env: A',
        '- receiver: cloudflare',
        '  secret-env: B',
        '  zone: Z',
        '  concurrency: 2',
        "  rate-limit: '10/s burst 50'",
      ].join('\n'),
    );
    expect(pages).toMatchObject({
      receiver: 'next-pages',
      secret: 'secret-a',
      display: 'https://site.example/api/revalidate',
      concurrency: 4,
      batchSize: 1,
    });
    expect(cf).toMatchObject({
      receiver: 'cloudflare',
      url: 'https://api.cloudflare.com/client/v4',
      secret: 'secret-b',
      zone: 'Z',
      concurrency: 2,
      batchSize: 100,
    });
    expect(cf?.rate).toEqual({ perSecond: 10, burst: 50, text: '10/s burst 50' });
  });

  it('refuses a key its receiver does not read, a batch over its cap and a bad rate', () => {
    expect(() => endpoints('- url: https://s.example/r\n  secret-env: A\n  zone: Z')).toThrow(
      'input `endpoints` entry 1: `zone` is not read by receiver next-app',
    );
    expect(() => endpoints('- receiver: netlify\n  secret-env: A\n  site-id: s\n  batch-size: 500')).toThrow(
      '`batch-size` 500 is more than receiver netlify takes in one request (100)',
    );
    expect(() => endpoints('- url: https://s.example/r\n  secret-env: A\n  rate-limit: fast')).toThrow(
      '`rate-limit` must be requests per unit',
    );
    expect(() => endpoints('url: https://s.example')).toThrow('must be a YAML list of endpoints');
  });

  it('the one-endpoint form names the input a preset key belongs to', () => {
    expect(() => parseSettings({ receiver: 'cloudflare', secret: 'tok', tags: 'x' })).toThrow(
      'input `zone` is required for receiver cloudflare',
    );
    expect(parseSettings({ receiver: 'netlify', secret: 'tok', 'site-id': 's' }).endpoints[0]?.url).toBe('https://api.netlify.com/api/v1');
  });

  it('each target goes to the endpoints that take it; one no endpoint takes is a problem, naming why', () => {
    const [pages, cf] = endpoints(
      [
        '- url: https://site.example/r',
        '  receiver: next-pages',
        '  secret-env: A',
        '- receiver: cloudflare',
        '  secret-env: B',
        '  zone: Z',
      ].join('\n'),
    );
    const both = planEndpoints([target('path', '/a'), target('tag', 't')], [pages!, cf!]);
    expect(both.problem).toBeUndefined();
    expect(both.plans.map((p) => [p.taken.map((t) => t.value), p.notTaken.map((t) => t.target.value)])).toEqual([
      [['/a'], ['t']],
      [['t'], ['/a']],
    ]);
    const alone = planEndpoints([target('tag', 't')], [pages!]);
    expect(alone.problem).toContain('1 target no endpoint of the run can take, so nothing was sent');
    expect(alone.problem).toContain('tag t: next-pages (https://site.example/r) takes paths only');
  });

  it('a kind of target the mapping can produce and no endpoint takes is caught before the push is read', () => {
    const [pages] = endpoints('- url: https://site.example/r\n  receiver: next-pages\n  secret-env: A');
    const { rules } = parseMapping('- files: content/[slug].md\n  paths: /[slug]\n  tags: posts', 'input `mapping`');
    expect(kindProblems(rules, { paths: [], tags: [] }, [pages!])).toEqual([
      'input `mapping`, rule 1 (line 1) produces tags, but no endpoint takes tags: next-pages (https://site.example/r) takes paths only; map to paths instead, or add an endpoint that takes tags',
    ]);
    expect(kindProblems(rules, { paths: [], tags: [] }, endpoints('- url: https://s.example/r\n  secret-env: A'))).toEqual([]);
  });
});

describe('token bucket', () => {
  it('lets the burst through, then one request per 1/rate seconds', () => {
    const bucket = new TokenBucket({ perSecond: 2, burst: 2 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 500]);
    expect(bucket.take(499)).toBe(2);
    expect(bucket.take(500)).toBe(0);
    expect(bucket.take(10_000)).toBe(0); // refilled, but never beyond the burst
    expect(bucket.take(10_000)).toBe(0);
    expect(bucket.take(10_000)).toBe(500);
  });

  it('reads rates as providers state them', () => {
    expect(parseRateLimit('5/min')).toEqual({ perSecond: 5 / 60, burst: 5, text: '5/min' });
    expect(parseRateLimit('1200 / h')).toMatchObject({ perSecond: 1200 / 3600, burst: 1200 });
    expect(parseRateLimit('0/s')).toBeUndefined();
    expect(parseRateLimit('lots')).toBeUndefined();
  });
});
