/**
 * deliver() against real HTTP servers on 127.0.0.1 that misbehave on purpose. Waits go through
 * an injected sleep on a fake clock (recorded, never really slept); the network is real. Each
 * test asserts the exact requests the server saw and the exact deliveries.
 */
import { describe, expect, it } from 'vitest';
import { deliver, type DeliveryOptions } from '../../src/delivery/send.js';
import type { Delivery, Target } from '../../src/types.js';
import {
  drip,
  type FaultServer,
  hang,
  html,
  json,
  ok,
  reset,
  resetMidResponse,
  serveFaults,
  startFaultServer,
  text,
} from '../helpers/faulty.js';

const SECRET = 'fault-suite-secret-9f2c';
const serve = serveFaults();

const tags = (...values: string[]): Target[] => values.map((value) => ({ type: 'tag', value, sources: ['input tags'] }));

/** Options with a fake clock that only the injected sleep moves, so every wait is exact. */
function fast(server: FaultServer, extra: Partial<DeliveryOptions> = {}) {
  let clock = Date.UTC(2026, 0, 1, 12, 0, 0);
  const waits: number[] = [];
  const debug: string[] = [];
  const options: DeliveryOptions = {
    endpoint: server.url,
    secret: SECRET,
    secretHeader: 'x-revalidation-secret',
    concurrency: 1,
    retries: 3,
    timeoutMs: 5000,
    backoff: { baseMs: 100, capMs: 150 },
    random: () => 0.5,
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    debug: (line) => debug.push(line),
    ...extra,
  };
  return { options, waits, debug, clock: () => clock };
}

const seen = (server: FaultServer) => server.requests.map((r) => `${r.target} #${r.nth}`);
const brief = (ds: Delivery[]) =>
  ds.map((d) => ({ target: d.target.value, status: d.status, http: d.httpStatus ?? null, attempts: d.attempts, error: d.error ?? null }));

describe('retries', () => {
  it('flaky 503s: retried with capped exponential backoff until they succeed', async () => {
    const server = await serve((ex) =>
      ex.request.target === 'tag a' && ex.request.nth <= 2 ? json(ex, 503, { error: 'cold start' }) : ok(ex),
    );
    const { options, waits } = fast(server);
    const result = await deliver(tags('a', 'b'), options);
    expect(seen(server)).toEqual(['tag a #1', 'tag a #2', 'tag a #3', 'tag b #1']);
    expect(brief(result)).toEqual([
      { target: 'a', status: 'revalidated', http: 200, attempts: 3, error: null },
      { target: 'b', status: 'revalidated', http: 200, attempts: 1, error: null },
    ]);
    // random 0.5 × min(150, 100·2^(n-1)): 50 then 75 (capped at 150 → 75).
    expect(waits).toEqual([50, 75]);
    for (const r of server.requests) {
      expect(r.method).toBe('POST');
      expect(r.headers['x-revalidation-secret']).toBe(SECRET);
      expect(r.headers['content-type']).toBe('application/json');
    }
  });

  it('gives up after `retries` and reports the last answer, an HTML error page, by its title', async () => {
    const server = await serve((ex) => html(ex, 502, '502 Bad Gateway'));
    const { options, waits } = fast(server, { retries: 2 });
    const result = await deliver(tags('a'), options);
    expect(seen(server)).toEqual(['tag a #1', 'tag a #2', 'tag a #3']);
    expect(brief(result)).toEqual([
      {
        target: 'a',
        status: 'failed',
        http: 502,
        attempts: 3,
        error: 'HTTP 502: HTML page "502 Bad Gateway" (gave up after 3 attempts; input `retries` is 2)',
      },
    ]);
    expect(waits).toEqual([50, 75]);
  });

  it('does not retry other 4xx, and shows an HTML 404 page by its title', async () => {
    const server = await serve((ex) =>
      ex.request.target === 'tag a' ? html(ex, 404, '404: This page could not be found.') : json(ex, 400, { error: 'Invalid type' }),
    );
    const { options, waits } = fast(server);
    const result = await deliver(tags('a', 'b'), options);
    expect(seen(server)).toEqual(['tag a #1', 'tag b #1']);
    expect(brief(result)).toEqual([
      { target: 'a', status: 'failed', http: 404, attempts: 1, error: 'HTTP 404: HTML page "404: This page could not be found."' },
      { target: 'b', status: 'failed', http: 400, attempts: 1, error: 'HTTP 400: Invalid type' },
    ]);
    expect(waits).toEqual([]);
  });

  it('429 with Retry-After in seconds: waits exactly that, and holds every other target too', async () => {
    const server = await serve((ex) =>
      ex.request.target === 'tag a' && ex.request.nth === 1 ? json(ex, 429, { error: 'Too many' }, { 'retry-after': '7' }) : ok(ex),
    );
    const waits: number[] = [];
    // The clock stands still here, so each lane's wait shows in full (a real clock lets them overlap).
    const { options } = fast(server, { concurrency: 2, sleep: async (ms) => void waits.push(ms) });
    const result = await deliver(tags('a', 'b'), options);
    // a goes first alone; b waits for a's answer, then for the pause a's 429 asked for.
    expect(server.requests[0]?.target).toBe('tag a');
    expect(seen(server).sort()).toEqual(['tag a #1', 'tag a #2', 'tag b #1']);
    expect(waits).toEqual([7000, 7000]);
    expect(brief(result).map((d) => [d.target, d.status, d.attempts])).toEqual([
      ['a', 'revalidated', 2],
      ['b', 'revalidated', 1],
    ]);
  });

  it('429 with Retry-After as an HTTP date: waits until that date', async () => {
    const { options, waits, clock } = fast(await serve(() => undefined));
    const date = new Date(clock() + 12_000).toUTCString();
    const server = await serve((ex) => (ex.request.nth === 1 ? text(ex, 429, 'slow down', { 'retry-after': date }) : ok(ex)));
    const result = await deliver(tags('a'), { ...options, endpoint: server.url });
    expect(seen(server)).toEqual(['tag a #1', 'tag a #2']);
    expect(waits).toEqual([12_000]);
    expect(result[0]?.status).toBe('revalidated');
  });

  it('a Retry-After beyond the cap is reported, not waited out', async () => {
    const server = await serve((ex) => json(ex, 503, { error: 'maintenance' }, { 'retry-after': '3600' }));
    const { options, waits } = fast(server);
    const result = await deliver(tags('a'), options);
    expect(seen(server)).toEqual(['tag a #1']);
    expect(waits).toEqual([]);
    expect(brief(result)).toEqual([
      {
        target: 'a',
        status: 'failed',
        http: 503,
        attempts: 1,
        error: 'HTTP 503: maintenance; the server asked to retry after 3600 s, longer than the 60 s the action waits',
      },
    ]);
  });

  it('a connection reset before any reply is retried', async () => {
    const server = await serve((ex) => (ex.request.nth === 1 ? reset(ex) : ok(ex)));
    const { options, debug } = fast(server);
    const result = await deliver(tags('a'), options);
    expect(seen(server)).toEqual(['tag a #1', 'tag a #2']);
    expect(brief(result)).toEqual([{ target: 'a', status: 'revalidated', http: 200, attempts: 2, error: null }]);
    expect(debug[0]).toMatch(/^tag a: attempt 1: network error \S+.* → retry in 50 ms$/);
  });

  it('a reset in the middle of a 200 reply is retried, not taken for a success', async () => {
    const server = await serve((ex) => (ex.request.nth <= 3 ? resetMidResponse(ex) : ok(ex)));
    const { options } = fast(server, { retries: 2 });
    const result = await deliver(tags('a'), options);
    expect(seen(server)).toEqual(['tag a #1', 'tag a #2', 'tag a #3']);
    expect(brief(result)).toEqual([
      {
        target: 'a',
        status: 'failed',
        http: null,
        attempts: 3,
        error: 'network error: ECONNRESET (aborted) (gave up after 3 attempts; input `retries` is 2)',
      },
    ]);
  });
});

describe('timeouts and the run deadline', () => {
  it('a server that never answers costs one timeout per attempt, then the target fails', async () => {
    const server = await serve(hang);
    const { options } = fast(server, { timeoutMs: 150, retries: 1 });
    const result = await deliver(tags('a'), options);
    expect(seen(server)).toEqual(['tag a #1', 'tag a #2']);
    expect(brief(result)).toEqual([
      {
        target: 'a',
        status: 'failed',
        http: null,
        attempts: 2,
        error: 'no complete reply within 150 ms (input `timeout`) (gave up after 2 attempts; input `retries` is 1)',
      },
    ]);
  });

  it('a body that drips forever is cut off by the same timeout', async () => {
    const server = await serve((ex) => drip(ex, 10));
    const { options } = fast(server, { timeoutMs: 200, retries: 0 });
    const result = await deliver(tags('a'), options);
    expect(seen(server)).toEqual(['tag a #1']);
    expect(brief(result)).toEqual([
      {
        target: 'a',
        status: 'failed',
        http: null,
        attempts: 1,
        error: 'no complete reply within 200 ms (input `timeout`) (gave up after 1 attempt; input `retries` is 0)',
      },
    ]);
  });

  it('stops at the run deadline and reports every target it did not reach', async () => {
    const server = await serve(hang);
    const values = Array.from({ length: 10 }, (_, i) => `t${i}`);
    // Real clock: each attempt takes at least 100 ms, so t0 and t1 are tried in full and t3…t9
    // cannot start before 250 ms. t2 may be cut short or not reached, depending on the machine.
    const result = await deliver(tags(...values), {
      endpoint: server.url,
      secret: SECRET,
      secretHeader: 'x-revalidation-secret',
      concurrency: 1,
      retries: 0,
      timeoutMs: 100,
      deadline: Date.now() + 250,
      deadlineNote: '0.25 s for the test',
    });
    const timedOut = 'no complete reply within 100 ms (input `timeout`) (gave up after 1 attempt; input `retries` is 0)';
    const unreached = 'not sent: the run deadline (0.25 s for the test) was reached first';
    expect(brief(result).slice(0, 2)).toEqual([
      { target: 't0', status: 'failed', http: null, attempts: 1, error: timedOut },
      { target: 't1', status: 'failed', http: null, attempts: 1, error: timedOut },
    ]);
    expect([
      JSON.stringify({
        target: 't2',
        status: 'failed',
        http: null,
        attempts: 1,
        error: 'cut short: the run deadline was reached during the request',
      }),
      JSON.stringify({ target: 't2', status: 'skipped', http: null, attempts: 0, error: unreached }),
    ]).toContain(JSON.stringify(brief(result)[2]));
    expect(brief(result).slice(3)).toEqual(
      values.slice(3).map((target) => ({ target, status: 'skipped', http: null, attempts: 0, error: unreached })),
    );
    // The server saw exactly the attempts the report counts.
    expect(seen(server)).toEqual(result.filter((d) => d.attempts > 0).map((d) => `tag ${d.target.value} #1`));
  });
});

describe('a refused secret', () => {
  it('401: one request, then nothing more is sent; the message names the header used', async () => {
    const server = await serve((ex) => json(ex, 401, { error: 'Invalid secret' }));
    const { options } = fast(server, { concurrency: 4, secretHeader: 'x-site-token' });
    const result = await deliver(tags('a', 'b', 'c', 'd', 'e', 'f'), options);
    expect(seen(server)).toEqual(['tag a #1']);
    expect(server.requests[0]?.headers['x-site-token']).toBe(SECRET);
    const notSent = 'not sent: the endpoint refused the secret (HTTP 401) sent in the `x-site-token` header';
    expect(brief(result)).toEqual([
      {
        target: 'a',
        status: 'failed',
        http: 401,
        attempts: 1,
        error:
          "HTTP 401: the endpoint refused the secret sent in the `x-site-token` header: Invalid secret; check the `secret` and `secret-header` inputs against the site's configuration",
      },
      ...['b', 'c', 'd', 'e', 'f'].map((target) => ({ target, status: 'skipped', http: null, attempts: 0, error: notSent })),
    ]);
  });

  it('403 half-way: what was sent is reported, the rest is not sent', async () => {
    const server = await serve((ex) => (ex.request.target === 'tag b' ? html(ex, 403, 'Forbidden') : ok(ex)));
    const { options } = fast(server);
    const result = await deliver(tags('a', 'b', 'c'), options);
    expect(seen(server)).toEqual(['tag a #1', 'tag b #1']);
    expect(brief(result).map((d) => [d.target, d.status, d.http, d.attempts])).toEqual([
      ['a', 'revalidated', 200, 1],
      ['b', 'failed', 403, 1],
      ['c', 'skipped', null, 0],
    ]);
    expect(result[1]?.error).toContain(
      'HTTP 403: the endpoint refused the secret sent in the `x-revalidation-secret` header: HTML page "Forbidden"',
    );
  });

  it('a target waiting to retry is not retried once another one was refused', async () => {
    // a: 503 first; b (sent while a backs off) is refused; a must not try again.
    let release!: () => void;
    const bDone = new Promise<void>((r) => (release = r));
    const server = await serve((ex) =>
      ex.request.target === 'tag a' ? json(ex, 503, { error: 'busy' }) : json(ex, 401, { error: 'Invalid secret' }),
    );
    const { options } = fast(server, { concurrency: 2, sleep: () => bDone, onDelivery: (d) => d.target.value === 'b' && release() });
    const result = await deliver(tags('a', 'b'), options);
    expect(seen(server)).toEqual(['tag a #1', 'tag b #1']);
    expect(brief(result).map((d) => [d.target, d.status, d.attempts, d.error])).toEqual([
      [
        'a',
        'failed',
        1,
        'HTTP 503: busy; not retried: the endpoint refused the secret (HTTP 401) sent in the `x-revalidation-secret` header',
      ],
      [
        'b',
        'failed',
        1,
        expect.stringMatching(/^HTTP 401: the endpoint refused the secret sent in the `x-revalidation-secret` header: Invalid secret;/),
      ],
    ]);
  });
});

describe('redirects', () => {
  it('never follows a redirect to another origin: the other port never sees the secret', async () => {
    const elsewhere = await serve(ok);
    for (const status of [307, 308, 301, 302, 303]) {
      const server = await serve((ex) => {
        ex.res.writeHead(status, { location: `${elsewhere.url}?from=${status}` });
        ex.res.end();
      });
      const { options } = fast(server);
      const result = await deliver(tags('a'), options);
      expect(seen(server)).toEqual(['tag a #1']);
      expect(result[0]).toMatchObject({ status: 'failed', httpStatus: status, attempts: 1 });
      expect(result[0]?.error).toContain(`HTTP ${status} redirect to ${elsewhere.url}?from=${status} (`);
      expect(result[0]?.error).toContain('the endpoint is misconfigured; set `endpoint` to the final URL');
    }
    expect(elsewhere.requests).toEqual([]); // not one request, so not one secret
  });

  it('follows a same-origin 307/308 with the same POST, and reports a same-origin 301', async () => {
    const server = await serve((ex) => {
      const { url, target } = ex.request;
      if (url === '/api/revalidate' && target === 'tag a') return ex.res.writeHead(307, { location: '/api/v2/revalidate' }).end();
      if (url === '/api/revalidate' && target === 'tag b') return ex.res.writeHead(301, { location: '/api/v2/revalidate' }).end();
      if (url === '/api/v2/revalidate') return ex.res.writeHead(308, { location: '/api/v3/revalidate' }).end();
      ok(ex);
    });
    const { options } = fast(server);
    const result = await deliver(tags('a', 'b'), options);
    expect(server.requests.map((r) => `${r.target} ${r.url}`)).toEqual([
      'tag a /api/revalidate',
      'tag a /api/v2/revalidate',
      'tag a /api/v3/revalidate',
      'tag b /api/revalidate',
    ]);
    for (const r of server.requests) {
      expect(r.method).toBe('POST');
      expect(r.headers['x-revalidation-secret']).toBe(SECRET);
    }
    expect(brief(result)).toEqual([
      { target: 'a', status: 'revalidated', http: 200, attempts: 1, error: null },
      {
        target: 'b',
        status: 'failed',
        http: 301,
        attempts: 1,
        error: `HTTP 301 redirect to ${server.origin}/api/v2/revalidate (not followed (only a same-origin 307/308 keeps the POST and the secret safe)): the endpoint is misconfigured; set \`endpoint\` to the final URL`,
      },
    ]);
  });

  it('stops a same-origin redirect loop', async () => {
    const server = await serve((ex) => ex.res.writeHead(307, { location: ex.request.url }).end());
    const { options } = fast(server);
    const result = await deliver(tags('a'), options);
    expect(server.requests).toHaveLength(4);
    expect(result[0]?.error).toContain(`HTTP 307 redirect to ${server.url} (after 3 same-origin redirects, stopped)`);
  });

  it('shows a Location that is not a URL as sent, and does not follow it', async () => {
    const server = await serve((ex) => ex.res.writeHead(307, { location: 'http://[broken' }).end());
    const { options } = fast(server);
    const result = await deliver(tags('a'), options);
    expect(server.requests).toHaveLength(1);
    expect(result[0]?.error).toContain('HTTP 307 redirect to http://[broken (to another origin, not followed with the secret)');
  });
});

describe('replies', () => {
  it('2xx without JSON is accepted; revalidated: false and an error field fail with the server’s words', async () => {
    const server = await serve((ex) => {
      const v = ex.request.target;
      if (v === 'tag empty') return ex.res.writeHead(204).end();
      if (v === 'tag text') return text(ex, 200, 'OK');
      if (v === 'tag broken-json') return ex.res.writeHead(200, { 'content-type': 'application/json' }).end('{"revalidated": tru');
      if (v === 'tag false') return json(ex, 200, { revalidated: false, message: `Tag\nunknown ${'!'.repeat(300)}` });
      if (v === 'tag error') return json(ex, 200, { revalidated: true, error: 'Failed to revalidate' });
      ok(ex);
    });
    const { options } = fast(server);
    const result = await deliver(tags('empty', 'text', 'broken-json', 'false', 'error', 'fine'), options);
    expect(seen(server)).toEqual(['tag empty #1', 'tag text #1', 'tag broken-json #1', 'tag false #1', 'tag error #1', 'tag fine #1']);
    expect(brief(result)).toEqual([
      { target: 'empty', status: 'revalidated', http: 204, attempts: 1, error: null },
      { target: 'text', status: 'revalidated', http: 200, attempts: 1, error: null },
      { target: 'broken-json', status: 'revalidated', http: 200, attempts: 1, error: null },
      // Sanitised (the line break is gone) and truncated to 200 characters.
      {
        target: 'false',
        status: 'failed',
        http: 200,
        attempts: 1,
        error: `HTTP 200 but the endpoint says revalidated: false: Tag unknown ${'!'.repeat(188)}…`,
      },
      { target: 'error', status: 'failed', http: 200, attempts: 1, error: 'HTTP 200 with an error: Failed to revalidate' },
      { target: 'fine', status: 'revalidated', http: 200, attempts: 1, error: null },
    ]);
  });

  it('reads at most 64 KiB of a reply', async () => {
    const server = await serve((ex) => {
      ex.res.writeHead(500, { 'content-type': 'text/plain' });
      ex.res.end('e'.repeat(1024 * 1024));
    });
    const { options, debug } = fast(server, { retries: 0 });
    const result = await deliver(tags('a'), options);
    expect(result[0]?.error).toBe(`HTTP 500: ${'e'.repeat(200)}… (gave up after 1 attempt; input \`retries\` is 0)`);
    expect(debug[0]).toContain(`, ${64 * 1024} chars: `);
  });
});

describe('connections and order', () => {
  it('keeps connections alive: 40 targets over at most `concurrency` connections, in order', async () => {
    const server = await serve(ok);
    const values = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const { options } = fast(server, { concurrency: 3 });
    const result = await deliver(tags(...values), options);
    expect(result.map((d) => [d.target.value, d.status])).toEqual(values.map((v) => [v, 'revalidated']));
    expect(server.requests).toHaveLength(40);
    expect(new Set(server.requests.map((r) => r.target)).size).toBe(40);
    expect(server.connections()).toBeLessThanOrEqual(3);
    expect(server.maxInFlight()).toBeLessThanOrEqual(3);
    expect(new Set(server.requests.map((r) => r.connection)).size).toBe(server.connections());
  });

  it('with concurrency 1, sends in exactly the targets’ order over one connection', async () => {
    const server = await serve(ok);
    const values = ['z', 'a', 'm', 'b'];
    const { options } = fast(server);
    await deliver(tags(...values), options);
    expect(seen(server)).toEqual(values.map((v) => `tag ${v} #1`));
    expect(server.connections()).toBe(1);
  });
});

describe('an endpoint that takes fewer connections than `concurrency`', () => {
  it('one connection at a time, concurrency 8, no retries: every target revalidated, the turned-away attempts not counted', async () => {
    const server = await serve((ex) => setTimeout(() => ok(ex), 2), '/api/revalidate', { maxConnections: 1 });
    const values = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const notices: string[] = [];
    const { options, waits, debug } = fast(server, { concurrency: 8, retries: 0, notice: (l) => notices.push(l) });
    const result = await deliver(tags(...values), options);
    expect(result.map((d) => [d.target.value, d.status])).toEqual(values.map((v) => [v, 'revalidated']));
    expect(server.requests).toHaveLength(40); // each answered once; the dropped never reached it
    expect(server.dropped()).toBeGreaterThan(0);
    const turnedAway = result.filter((d) => d.attempts > 1);
    expect(turnedAway.reduce((n, d) => n + d.attempts - 1, 0)).toBe(server.dropped());
    for (const d of turnedAway) expect(d.notes).toEqual(['turned away by a full endpoint and sent again, not counted against `retries`']);
    expect(waits).toEqual([]); // sent again when there was room, not after a backoff
    expect(debug.filter((l) => l.includes('→ sent again when there is room'))).toHaveLength(server.dropped());
    expect(notices.at(-1)).toMatch(
      new RegExp(
        `^the endpoint refused or reset ${server.dropped()} new connections?, so fewer than \`concurrency\` \\(8\\) were sent at a time: as few as 1, [12] at the end$`,
      ),
    );
  });

  it('a refused connection with nothing else in flight counts: a closed port fails each target after its retries', async () => {
    const closed = await startFaultServer(ok);
    await closed.close(); // nothing listens on its port now
    const { options, waits } = fast(closed, { concurrency: 4, retries: 2 });
    const result = await deliver(tags('a', 'b', 'c'), options);
    expect(brief(result).map((d) => [d.target, d.status, d.attempts])).toEqual([
      ['a', 'failed', 3],
      ['b', 'failed', 3],
      ['c', 'failed', 3],
    ]);
    expect(result[0]?.error).toMatch(/^network error: ECONNREFUSED .*\(gave up after 3 attempts; input `retries` is 2\)$/);
    expect(waits.sort()).toEqual([50, 50, 50, 75, 75, 75]); // each target's own backoff: 50, then 75
  });
});

describe('the secret', () => {
  const tricky = 's3cr/t"x&y<é>-Z9';

  it('never appears in errors or debug lines, however the server echoes it', async () => {
    const server = await serve((ex) => {
      const s = ex.request.headers['x-revalidation-secret'] as string;
      const echo = `raw ${s} json ${JSON.stringify(s)} url ${encodeURIComponent(s)} html ${s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}`;
      if (ex.request.target === 'tag body') return text(ex, 500, echo, { 'x-echo': encodeURIComponent(s) });
      if (ex.request.target === 'tag json') return json(ex, 200, { revalidated: false, error: `bad ${s}` });
      if (ex.request.target === 'tag location')
        return ex.res.writeHead(302, { location: `https://elsewhere.test/?s=${encodeURIComponent(s)}` }).end();
      if (ex.request.target === 'tag cut') return text(ex, 400, `${'x'.repeat(196)}${s}`);
      ok(ex);
    });
    const { options, debug } = fast(server, { secret: tricky, retries: 1 });
    const result = await deliver(tags('body', 'json', 'location', 'cut'), options);
    expect(server.requests.map((r) => r.headers['x-revalidation-secret'])).toEqual(Array(5).fill(tricky));
    const everything = JSON.stringify(result) + debug.join('\n');
    expect(debug.length).toBe(5);
    expect(everything).toContain('***');
    for (const leak of [tricky, JSON.stringify(tricky).slice(1, -1), encodeURIComponent(tricky), 's3cr/', 's3cr'])
      expect(everything).not.toContain(leak);
    expect(result.map((d) => d.error)).toEqual([
      'HTTP 500: raw *** json "***" url *** html *** (gave up after 2 attempts; input `retries` is 1)',
      'HTTP 200 but the endpoint says revalidated: false: bad ***',
      'HTTP 302 redirect to https://elsewhere.test/?s=*** (not followed (only a same-origin 307/308 keeps the POST and the secret safe)): the endpoint is misconfigured; set `endpoint` to the final URL',
      `HTTP 400: ${'x'.repeat(196)}***`,
    ]);
  });

  it('sends a secret saved with a trailing newline without it, and still redacts the echo', async () => {
    const server = await serve((ex) => text(ex, 400, `you sent ${String(ex.request.headers['x-revalidation-secret'])}`));
    const { options } = fast(server, { secret: `${SECRET}\n` });
    const result = await deliver(tags('a'), options);
    expect(server.requests[0]?.headers['x-revalidation-secret']).toBe(SECRET);
    expect(result[0]?.error).toBe('HTTP 400: you sent ***');
  });

  it('refuses a secret with a line break inside before sending anything, without quoting it', async () => {
    const server = await serve(ok);
    const { options } = fast(server, { secret: 'line-one\nline-two' });
    const error = await deliver(tags('a'), options).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'input `secret` contains a line break or a control character, which cannot travel in the `x-revalidation-secret` header; re-save the repository secret as one line',
    );
    expect(server.requests).toEqual([]);
  });
});

describe('cancellation', () => {
  it('a cancelled run sends nothing new; a request in flight gets the grace, then is cut', async () => {
    const server = await serve(hang);
    const controller = new AbortController();
    const { options } = fast(server, { concurrency: 2, signal: controller.signal, graceMs: 50, now: Date.now, sleep: undefined });
    const pending = deliver(tags('a', 'b', 'c'), options);
    while (server.requests.length < 1) await new Promise((r) => setTimeout(r, 5));
    controller.abort('SIGINT');
    const result = await pending;
    expect(seen(server)).toEqual(['tag a #1']);
    expect(brief(result)).toEqual([
      {
        target: 'a',
        status: 'failed',
        http: null,
        attempts: 1,
        error: 'cut short: the run was cancelled and no reply came within 50 ms (the site may still have revalidated it)',
      },
      { target: 'b', status: 'skipped', http: null, attempts: 0, error: 'not sent: the run was cancelled (SIGINT)' },
      { target: 'c', status: 'skipped', http: null, attempts: 0, error: 'not sent: the run was cancelled (SIGINT)' },
    ]);
  });

  it('a reply within the grace counts; a retry waiting out its backoff is not made', async () => {
    const controller = new AbortController();
    const server = await serve((ex) => {
      if (ex.request.target === 'tag a') return json(ex, 503, { error: 'busy' });
      // b answers after the cancellation, within the grace.
      controller.abort('SIGTERM');
      setTimeout(() => ok(ex), 20);
    });
    // Real waits: a's retry would wait 10 s; the cancellation ends that wait at once.
    const { options } = fast(server, {
      concurrency: 2,
      signal: controller.signal,
      graceMs: 2000,
      now: Date.now,
      sleep: undefined,
      backoff: { baseMs: 20_000, capMs: 20_000 },
      random: () => 0.5,
    });
    const started = Date.now();
    const result = await deliver(tags('a', 'b', 'c'), options);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(seen(server)).toEqual(['tag a #1', 'tag b #1']);
    expect(brief(result)).toEqual([
      { target: 'a', status: 'failed', http: 503, attempts: 1, error: 'HTTP 503: busy; not retried: the run was cancelled (SIGTERM)' },
      { target: 'b', status: 'revalidated', http: 200, attempts: 1, error: null },
      { target: 'c', status: 'skipped', http: null, attempts: 0, error: 'not sent: the run was cancelled (SIGTERM)' },
    ]);
  });
});
