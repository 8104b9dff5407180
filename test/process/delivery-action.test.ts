/**
 * The bundled action as a whole process (node dist/index.js) against endpoints on 127.0.0.1 that
 * misbehave on purpose: the exact requests each server saw, and the exact outputs, log and
 * summary. The waits here are short because the servers say `Retry-After: 0` (or a date in the
 * past); deliver()'s own tests show the exact waits for longer ones.
 */
import { describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction, visibleLog, type ActionRun } from '../helpers/action.js';
import {
  drip,
  type FaultServer,
  type Handler,
  hang,
  html,
  json,
  ok,
  reset,
  resetMidResponse,
  serveFaults,
  text,
} from '../helpers/faulty.js';

const SECRET = 'whole-process-secret-7Hq/x&y';
const serve = serveFaults();

interface FailedEntry {
  type: string;
  value: string;
  status: number | null;
  error: string;
}
const failed = (run: ActionRun) => JSON.parse(run.outputs.failed ?? 'null') as FailedEntry[];
/** How many requests the server got per target, e.g. {"tag a": 2}. */
const perTarget = (server: FaultServer) =>
  server.requests.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.target]: (acc[r.target] ?? 0) + 1 }), {});
/** Attempts per target as the log's delivery lines report them. */
const loggedAttempts = (run: ActionRun) =>
  Object.fromEntries([...run.stdout.matchAll(/^[✓✗–] (tag \S+)(?: HTTP \d+)? \((\d+) attempts?,/gm)].map((m) => [m[1], Number(m[2])]));

function dispatch(server: FaultServer, inputs: Record<string, string>, node: string, env: Record<string, string> = {}) {
  return runAction({
    node,
    eventName: 'workflow_dispatch',
    event: { inputs: {} },
    inputs: { endpoint: server.url, secret: SECRET, ...inputs },
    env,
  });
}

function noLeak(run: ActionRun) {
  const shown = [visibleLog(run), run.summary, JSON.stringify(run.outputs)].join('\n');
  for (const form of [
    SECRET,
    encodeURIComponent(SECRET),
    JSON.stringify(SECRET).slice(1, -1),
    SECRET.replace(/&/g, '&amp;'),
    SECRET.slice(0, 12),
  ]) {
    expect(shown).not.toContain(form);
  }
}

describe.each(nodeRuntimes())('bundled action under $name, against faulty endpoints', ({ path: node }) => {
  it('retries what is retryable, reports what is not, and counts exactly', async () => {
    const pastDate = new Date(Date.now() - 60_000).toUTCString();
    const server = await serve((ex) => {
      const { target, nth } = ex.request;
      if (target === 'tag a' && nth === 1) return json(ex, 429, { error: 'Too Many Requests' }, { 'retry-after': '0' });
      if (target === 'tag b' && nth === 1) return reset(ex);
      if (target === 'tag c' && nth === 1) return json(ex, 429, { error: 'Too Many Requests' }, { 'retry-after': pastDate });
      if (target === 'tag d' && nth === 1) return resetMidResponse(ex);
      if (target === 'tag e') return json(ex, 200, { revalidated: false, message: 'Tag e is not\nknown' });
      if (target === 'tag f') return html(ex, 404, '404: This page could not be found.');
      if (target === 'tag h') return html(ex, 500, 'Internal Server Error', { 'retry-after': '0' });
      ok(ex);
    });
    const run = await dispatch(server, { tags: 'h, g, f, e, d, c, b, a, a', concurrency: '2', retries: '2' }, node);

    expect(perTarget(server)).toEqual({ 'tag a': 2, 'tag b': 2, 'tag c': 2, 'tag d': 2, 'tag e': 1, 'tag f': 1, 'tag g': 1, 'tag h': 3 });
    expect(server.maxInFlight()).toBeLessThanOrEqual(2);
    expect(server.requests[0]?.target).toBe('tag a'); // stable order: sorted, deduplicated
    expect(run.code).toBe(1);
    expect(run.outputs.tags).toBe('["a","b","c","d","e","f","g","h"]');
    expect(run.outputs.revalidated).toBe('5');
    expect(failed(run)).toEqual([
      { type: 'tag', value: 'e', status: 200, error: 'HTTP 200 but the endpoint says revalidated: false: Tag e is not known' },
      { type: 'tag', value: 'f', status: 404, error: 'HTTP 404: HTML page "404: This page could not be found."' },
      {
        type: 'tag',
        value: 'h',
        status: 500,
        error: 'HTTP 500: HTML page "Internal Server Error" (gave up after 3 attempts; input `retries` is 2)',
      },
    ]);
    expect(loggedAttempts(run)).toEqual(perTarget(server));
    expect(run.stdout).toContain('::error::3 of 8 target(s) were not revalidated');
    expect(run.summary).toContain('**5 revalidated** · ❌ **3 failed**');
    expect(run.summary).toContain('| 🏷️ <code>h</code> | ❌ failed | 500 | 3 |');
    noLeak(run);
  });

  it.each([
    [401, (ex: Parameters<Handler>[0]) => json(ex, 401, { error: 'Invalid secret' }), 'Invalid secret'],
    [
      403,
      (ex: Parameters<Handler>[0]) => html(ex, 403, 'Attention Required! | Cloudflare'),
      'HTML page "Attention Required! | Cloudflare"',
    ],
  ])('%i: one request, nothing more sent, the message names the header', async (status, handler, says) => {
    const server = await serve(handler);
    const run = await dispatch(server, { tags: 'a, b, c, d, e', 'secret-header': 'X-Site-Token', concurrency: '4' }, node);
    expect(server.requests.map((r) => [r.target, r.headers['x-site-token']])).toEqual([['tag a', SECRET]]);
    expect(run.code).toBe(1);
    expect(run.outputs.revalidated).toBe('0');
    const notSent = `not sent: the endpoint refused the secret (HTTP ${status}) sent in the \`x-site-token\` header`;
    expect(failed(run)).toEqual([
      {
        type: 'tag',
        value: 'a',
        status,
        error: `HTTP ${status}: the endpoint refused the secret sent in the \`x-site-token\` header: ${says}; check the \`secret\` and \`secret-header\` inputs against the site's configuration`,
      },
      ...['b', 'c', 'd', 'e'].map((value) => ({ type: 'tag', value, status: null, error: notSent })),
    ]);
    expect(run.summary).toContain('**0 revalidated** · ❌ **1 failed** · ⏭️ **4 not sent**');
    noLeak(run);
  });

  it('a redirect to another port is not followed: that server never sees the secret', async () => {
    const elsewhere = await serve(ok);
    const server = await serve((ex) => ex.res.writeHead(308, { location: `${elsewhere.url}?moved=1` }).end());
    const run = await dispatch(server, { tags: 'a, b' }, node);
    expect(elsewhere.requests).toEqual([]);
    expect(perTarget(server)).toEqual({ 'tag a': 1, 'tag b': 1 });
    expect(run.code).toBe(1);
    expect(run.outputs.revalidated).toBe('0');
    const error = `HTTP 308 redirect to ${elsewhere.url}?moved=1 (to another origin, not followed with the secret): the endpoint is misconfigured; set \`endpoint\` to the final URL`;
    expect(failed(run)).toEqual([
      { type: 'tag', value: 'a', status: 308, error },
      { type: 'tag', value: 'b', status: 308, error },
    ]);
    // In the summary as text, not as a link (`\://` renders as `://`).
    expect(run.summary).toContain(`${elsewhere.url.replace('://', '\\://')}?moved=1`);
  });

  it('a server that never answers: each attempt times out, and the run deadline reports who was not reached', async () => {
    const server = await serve(hang);
    const tags = Array.from({ length: 10 }, (_, i) => `t${i}`);
    // Budget: 10 targets × 0.1 s on 1 lane + one retry (0.1 s + 0.5 s backoff ceiling) + 0.1 s spare = 1.7 s.
    const run = await dispatch(server, { tags: tags.join(','), timeout: '0.1', retries: '1', concurrency: '1' }, node);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('run deadline 1.7 s, from `timeout`, `retries` and `concurrency` for 10 targets');
    expect(run.outputs.revalidated).toBe('0');
    const entries = failed(run);
    expect(entries.map((e) => e.value)).toEqual(tags);
    const unreached = 'not sent: the run deadline (1.7 s, from `timeout`, `retries` and `concurrency` for 10 targets) was reached first';
    // Each target takes at least 0.2 s (two timed-out attempts), so t9 cannot start before 1.8 s.
    expect(entries[9]?.error).toBe(unreached);
    for (const e of entries) {
      expect(e.status).toBeNull();
      expect(e.error).toMatch(
        /^(no complete reply within 100 ms \(input `timeout`\)|cut short: the run deadline|not sent: the run deadline|.*not retried: .*run deadline)/,
      );
    }
    // The server saw exactly the attempts the log reports, and nothing for the targets not reached.
    const reached = entries.filter((e) => !e.error.startsWith('not sent')).map((e) => `tag ${e.value}`);
    expect(Object.keys(perTarget(server))).toEqual(reached);
    expect(loggedAttempts(run)).toEqual({
      ...perTarget(server),
      ...Object.fromEntries(entries.filter((e) => e.error.startsWith('not sent')).map((e) => [`tag ${e.value}`, 0])),
    });
  });

  it('a body that drips forever is cut off by `timeout`', async () => {
    const server = await serve((ex) => drip(ex, 10));
    const run = await dispatch(server, { tags: 'a, b', timeout: '0.3', retries: '0' }, node);
    expect(perTarget(server)).toEqual({ 'tag a': 1, 'tag b': 1 });
    expect(run.code).toBe(1);
    expect(run.outputs.revalidated).toBe('0');
    const error = 'no complete reply within 300 ms (input `timeout`) (gave up after 1 attempt; input `retries` is 0)';
    expect(failed(run)).toEqual([
      { type: 'tag', value: 'a', status: null, error },
      { type: 'tag', value: 'b', status: null, error },
    ]);
  });

  it('never shows the secret, also in the debug log, when the server echoes it back everywhere', async () => {
    const server = await serve((ex) => {
      const s = String(ex.request.headers['x-revalidation-secret']);
      const echo = { 'x-echo': encodeURIComponent(s), 'retry-after': '0' };
      if (ex.request.target === 'tag a' && ex.request.nth === 1)
        return text(ex, 503, `raw ${s} json ${JSON.stringify(s)} url ${encodeURIComponent(s)}`, echo);
      if (ex.request.target === 'tag a') return json(ex, 500, { error: `secret ${s} rejected` }, echo);
      if (ex.request.target === 'tag b') return json(ex, 200, { revalidated: false, error: `bad secret ${s}` }, echo);
      if (ex.request.target === 'tag c')
        return ex.res.writeHead(302, { location: `https://login.example/?next=${encodeURIComponent(s)}` }).end();
      ok(ex);
    });
    const run = await dispatch(server, { tags: 'a, b, c, d', retries: '1' }, node, { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' });
    expect(perTarget(server)).toEqual({ 'tag a': 2, 'tag b': 1, 'tag c': 1, 'tag d': 1 });
    expect(run.code).toBe(1);
    expect(run.outputs.revalidated).toBe('1');
    // The debug log was on and did describe the replies, redacted.
    expect(run.stdout).toContain('::debug::tag a: attempt 1: HTTP 503 (content-type text/plain; charset=utf-8, retry-after 0), ');
    expect(run.stdout).toContain('raw *** json "***" url ***');
    expect(failed(run).map((f) => f.error)).toEqual([
      'HTTP 500: secret *** rejected (gave up after 2 attempts; input `retries` is 1)',
      'HTTP 200 but the endpoint says revalidated: false: bad secret ***',
      'HTTP 302 redirect to https://login.example/?next=*** (not followed (only a same-origin 307/308 keeps the POST and the secret safe)): the endpoint is misconfigured; set `endpoint` to the final URL',
    ]);
    noLeak(run);
    expect(run.stderr).not.toContain(SECRET);
  });

  it('a healthy but flaky endpoint: every target revalidated, step green', async () => {
    const server = await serve((ex) =>
      ex.request.nth === 1 && ex.request.target.endsWith('1') ? json(ex, 503, {}, { 'retry-after': '0' }) : ok(ex),
    );
    const tags = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const run = await dispatch(server, { tags: tags.join('\n'), concurrency: '3' }, node);
    expect(run.code).toBe(0);
    expect(run.outputs.revalidated).toBe('12');
    expect(run.outputs.failed).toBe('[]');
    expect(server.requests).toHaveLength(12 + 2); // t01 and t11 once more
    expect(server.connections()).toBeLessThanOrEqual(3);
  });
});
