/**
 * The batch contract (README, "The batch contract") through deliver() against real HTTP servers
 * on 127.0.0.1: how targets are grouped, what a reply's `results` mean for each target, and that a
 * retry resends only what was not confirmed. Waits go through an injected sleep on a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { batch } from '../../src/delivery/receivers/batch.js';
import { deliver, type DeliveryOptions } from '../../src/delivery/send.js';
import type { Delivery, Target } from '../../src/types.js';
import { type Exchange, type FaultServer, json, serveFaults } from '../helpers/faulty.js';

const SECRET = 'batch-suite-secret-4d1e';
const serve = serveFaults();

const targets = (n: number, type: 'path' | 'tag' = 'tag'): Target[] =>
  Array.from({ length: n }, (_, i) => ({ type, value: type === 'path' ? `/p/${i}` : `t${i}`, sources: ['input tags'] }));

function options(server: FaultServer, batchSize: number, extra: Partial<DeliveryOptions> = {}): DeliveryOptions {
  let clock = Date.UTC(2026, 0, 1, 12, 0, 0);
  return {
    endpoint: server.url,
    secret: SECRET,
    secretHeader: 'x-revalidation-secret',
    receiver: batch({ url: server.url, secret: SECRET, secretHeader: 'x-revalidation-secret', batchSize }),
    concurrency: 2,
    retries: 2,
    timeoutMs: 5000,
    backoff: { baseMs: 100, capMs: 150 },
    random: () => 0.5,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    ...extra,
  };
}

type Sent = { type: string; value: string };
const sentIn = (ex: Exchange | { body: string }) =>
  (JSON.parse('request' in ex ? ex.request.body : ex.body) as { targets: Sent[] }).targets;
const values = (list: Sent[]) => list.map((t) => t.value);
/** Confirms every target it got, each with its own result. */
const confirmAll = (ex: Exchange) => json(ex, 200, { revalidated: true, results: sentIn(ex).map((t) => ({ ...t, revalidated: true })) });
const brief = (ds: Delivery[]) => ds.map((d) => `${d.target.value} ${d.status} ${d.attempts}${d.error ? `: ${d.error}` : ''}`);

describe('batch receiver', () => {
  it('sends 250 targets as 100 + 100 + 50, each exactly once, with the secret header and the documented body', async () => {
    const server = await serve(confirmAll);
    const result = await deliver(targets(250), options(server, 100));

    expect(server.requests.map((r) => sentIn(r).length)).toEqual([100, 100, 50]);
    const all = server.requests.flatMap((r) => values(sentIn(r)));
    expect(all.sort()).toEqual(values(targets(250)).sort());
    const first = server.requests[0];
    expect(first?.method).toBe('POST');
    expect(first?.headers['x-revalidation-secret']).toBe(SECRET);
    expect(first?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(first?.body ?? '')).toEqual({ targets: targets(100).map(({ type, value }) => ({ type, value })) });
    expect(result.map((d) => d.status)).toEqual(Array(250).fill('revalidated'));
    expect(result.map((d) => d.target.value)).toEqual(values(targets(250)));
  });

  it('per-target results: false fails that target alone (not retried, whatever the top level says); a missing one is resent alone', async () => {
    const server = await serve((ex) => {
      const sent = sentIn(ex);
      if (sent.length === 4) {
        return json(ex, 200, {
          revalidated: false,
          results: [
            { type: 'tag', value: 't0', revalidated: true },
            { type: 'tag', value: 't1', revalidated: false, error: 'unknown tag' },
            { type: 'tag', value: 't3', revalidated: true },
            { type: 'path', value: 't2', revalidated: true }, // same value, other type: not t2's result
          ],
        });
      }
      confirmAll(ex);
    });
    const result = await deliver(targets(4), options(server, 10));

    expect(server.requests.map((r) => values(sentIn(r)))).toEqual([['t0', 't1', 't2', 't3'], ['t2']]);
    expect(brief(result)).toEqual([
      't0 revalidated 1',
      't1 failed 1: HTTP 200 but the endpoint says revalidated: false: unknown tag',
      't2 revalidated 2',
      't3 revalidated 1',
    ]);
  });

  it('a target the results never list is retried, then failed, and says why', async () => {
    const server = await serve((ex) =>
      json(ex, 200, {
        results: sentIn(ex)
          .filter((t) => t.value !== 't1')
          .map((t) => ({ ...t, revalidated: true })),
      }),
    );
    const result = await deliver(targets(3), options(server, 10));
    expect(server.requests.map((r) => values(sentIn(r)))).toEqual([['t0', 't1', 't2'], ['t1'], ['t1']]);
    expect(brief(result)).toEqual([
      't0 revalidated 1',
      "t1 failed 3: HTTP 200 but the reply's `results` do not list it (gave up after 3 attempts; input `retries` is 2)",
      't2 revalidated 1',
    ]);
  });

  it('a 503 resends the whole request; after a partial answer only the unconfirmed part goes again', async () => {
    let calls = 0;
    const server = await serve((ex) => {
      calls += 1;
      if (calls === 1) return json(ex, 503, { error: 'warming up' });
      if (calls === 2)
        return json(ex, 200, {
          results: sentIn(ex)
            .slice(0, 2)
            .map((t) => ({ ...t, revalidated: true })),
        });
      confirmAll(ex);
    });
    const result = await deliver(targets(5), options(server, 10, { concurrency: 1 }));
    expect(server.requests.map((r) => values(sentIn(r)))).toEqual([
      ['t0', 't1', 't2', 't3', 't4'],
      ['t0', 't1', 't2', 't3', 't4'],
      ['t2', 't3', 't4'],
    ]);
    expect(result.map((d) => `${d.target.value} ${d.attempts}`)).toEqual(['t0 2', 't1 2', 't2 3', 't3 3', 't4 3']);
  });

  it('a reply without results counts for every target in the request, as the single contract does', async () => {
    const server = await serve((ex) => json(ex, 200, sentIn(ex)[0]?.value === 't0' ? { revalidated: true } : { revalidated: false }));
    const result = await deliver(targets(4), options(server, 2, { concurrency: 1 }));
    expect(result.map((d) => `${d.target.value} ${d.status}`)).toEqual(['t0 revalidated', 't1 revalidated', 't2 failed', 't3 failed']);
    expect(server.requests).toHaveLength(2);
  });

  it('a refused secret stops the run after one request: nothing else is sent', async () => {
    const server = await serve((ex) => json(ex, 401, { error: 'Invalid secret' }));
    const result = await deliver(targets(30), options(server, 10));
    expect(server.requests).toHaveLength(1);
    expect(result.slice(0, 10).every((d) => d.status === 'failed')).toBe(true);
    expect(result.slice(10).every((d) => d.status === 'skipped')).toBe(true);
    expect(result[0]?.error).toContain('refused the secret sent in the `x-revalidation-secret` header: Invalid secret');
  });

  it('results that are not a list fail the request’s targets with a message saying so', async () => {
    const server = await serve((ex) => json(ex, 200, { revalidated: true, results: 'all done' }));
    const result = await deliver(targets(2), options(server, 10));
    expect(brief(result)).toEqual([
      't0 failed 1: HTTP 200 but the reply cannot be read: its `results` is not a list',
      't1 failed 1: HTTP 200 but the reply cannot be read: its `results` is not a list',
    ]);
  });
});
