/** The pure rules of delivery: verdicts, Retry-After, backoff, the run budget, messages, redaction. */
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffMs, judge, readRetryAfter, runBudgetMs, serverMessage, type Outcome } from '../../src/delivery/policy.js';
import { headerValue, redactor, secretProblem } from '../../src/delivery/redact.js';

const reply = (status: number, body = '', contentType = '', extra: Partial<Extract<Outcome, { kind: 'response' }>> = {}): Outcome => ({
  kind: 'response',
  status,
  body,
  contentType,
  redirects: 0,
  ...extra,
});
const ctx = { secretHeader: 'x-revalidation-secret', now: Date.UTC(2026, 0, 1, 12, 0, 0) };

describe('judge', () => {
  it.each([408, 425, 429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(judge(reply(status), ctx)).toEqual({ action: 'retry', reason: `HTTP ${status}` });
  });

  it.each([400, 404, 405, 409, 410, 413, 422, 501, 505])('does not retry HTTP %i', (status) => {
    expect(judge(reply(status), ctx).action).toBe('fail');
  });

  it('retries network errors and timeouts, and fails an attempt the run deadline cut short', () => {
    expect(judge({ kind: 'network', message: 'ECONNRESET' }, ctx)).toEqual({ action: 'retry', reason: 'network error: ECONNRESET' });
    expect(judge({ kind: 'timeout', ms: 10_000 }, ctx)).toEqual({
      action: 'retry',
      reason: 'no complete reply within 10 s (input `timeout`)',
    });
    expect(judge({ kind: 'timeout', ms: 150 }, ctx)).toEqual({
      action: 'retry',
      reason: 'no complete reply within 150 ms (input `timeout`)',
    });
    expect(judge({ kind: 'deadline' }, ctx)).toEqual({
      action: 'fail',
      reason: 'cut short: the run deadline was reached during the request',
    });
  });

  it('stops everything on 401 and 403 and names the header', () => {
    expect(judge(reply(401, '{"error":"Invalid secret"}', 'application/json'), { ...ctx, secretHeader: 'x-site-token' })).toEqual({
      action: 'stop-all',
      reason:
        "HTTP 401: the endpoint refused the secret sent in the `x-site-token` header: Invalid secret; check the `secret` and `secret-header` inputs against the site's configuration",
    });
    expect(judge(reply(403, '<html><title>Forbidden</title></html>', 'text/html'), ctx)).toMatchObject({
      action: 'stop-all',
      reason: expect.stringContaining(
        'HTTP 403: the endpoint refused the secret sent in the `x-revalidation-secret` header: HTML page "Forbidden"',
      ),
    });
  });

  it('fails a 2xx whose revalidated is anything but true, showing it short and free of the secret', () => {
    for (const [value, shown] of [
      ['"false"', '"false"'],
      ['"yes"', '"yes"'],
      ['0', '0'],
      ['null', 'null'],
      ['"true"', '"true"'],
      ['[true]', '[true]'],
      ['{}', '{}'],
    ]) {
      expect(judge(reply(200, `{"revalidated":${value}}`, 'application/json'), ctx)).toEqual({
        action: 'fail',
        reason: `HTTP 200 but the endpoint says revalidated: ${shown}`,
      });
    }
    const long = judge(reply(200, JSON.stringify({ revalidated: `s3cr3t ${'x'.repeat(100)}` }), 'application/json'), {
      ...ctx,
      redact: (t) => t.replaceAll('s3cr3t', '***'),
    });
    expect(long).toEqual({ action: 'fail', reason: `HTTP 200 but the endpoint says revalidated: "*** ${'x'.repeat(55)}…` });
  });

  it('judges a reply longer than the read cap by its status alone, and notes it', () => {
    const cut = { cutAtBytes: 64 * 1024 };
    const note = 'reply longer than the 64 KiB read cap: judged by its HTTP status alone';
    expect(judge(reply(200, '{"revalidated":false}   ', 'application/json', cut), ctx)).toEqual({ action: 'success', note });
    expect(judge(reply(500, 'oops', 'text/plain', cut), ctx)).toEqual({ action: 'retry', reason: 'HTTP 500: oops', note });
    expect(judge(reply(404, 'gone', 'text/plain', cut), ctx)).toEqual({ action: 'fail', reason: 'HTTP 404: gone', note });
  });

  it('accepts any 2xx unless the JSON says revalidated: false or carries an error', () => {
    expect(judge(reply(200, '{"revalidated":true,"now":1}', 'application/json'), ctx)).toEqual({ action: 'success' });
    expect(judge(reply(204), ctx)).toEqual({ action: 'success' });
    expect(judge(reply(200, 'OK', 'text/plain'), ctx)).toEqual({ action: 'success' });
    expect(judge(reply(200, '{"revalidated": tr', 'application/json'), ctx)).toEqual({ action: 'success' });
    expect(judge(reply(200, '[1,2]', 'application/json'), ctx)).toEqual({ action: 'success' });
    expect(judge(reply(200, '{"revalidated":true,"error":null}', 'application/json'), ctx)).toEqual({ action: 'success' });
    expect(judge(reply(200, '{"revalidated":false,"message":"unknown tag"}', 'application/json'), ctx)).toEqual({
      action: 'fail',
      reason: 'HTTP 200 but the endpoint says revalidated: false: unknown tag',
    });
    expect(judge(reply(202, '{"error":{"code":"E1"}}'), ctx)).toEqual({ action: 'fail', reason: 'HTTP 202 with an error: {"code":"E1"}' });
  });

  it('reports redirects as a misconfigured endpoint with the Location', () => {
    expect(judge(reply(307, '', '', { location: 'http://other.test/api' }), ctx)).toEqual({
      action: 'fail',
      reason:
        'HTTP 307 redirect to http://other.test/api (to another origin, not followed with the secret): the endpoint is misconfigured; set `endpoint` to the final URL',
    });
    expect(judge(reply(301, '', '', { location: 'https://site.test/api/' }), ctx)).toMatchObject({
      reason: expect.stringContaining(
        'HTTP 301 redirect to https://site.test/api/ (not followed (only a same-origin 307/308 keeps the POST and the secret safe))',
      ),
    });
    expect(judge(reply(308, '', '', { location: 'http://a.test/loop', redirects: 3, tooManyRedirects: true }), ctx)).toMatchObject({
      reason: expect.stringContaining('HTTP 308 redirect to http://a.test/loop (after 3 same-origin redirects, stopped)'),
    });
    expect(judge(reply(302), ctx)).toMatchObject({ reason: expect.stringContaining('HTTP 302 redirect without a Location header') });
  });

  it('carries Retry-After with a retry', () => {
    expect(judge(reply(429, '', '', { retryAfter: '3' }), ctx)).toEqual({ action: 'retry', reason: 'HTTP 429', retryAfterMs: 3000 });
    expect(judge(reply(503, '', '', { retryAfter: 'Thu, 01 Jan 2026 12:00:30 GMT' }), ctx)).toEqual({
      action: 'retry',
      reason: 'HTTP 503',
      retryAfterMs: 30_000,
    });
  });

  it('retries without a Retry-After it cannot use, and notes it, quoted, short, on one line and free of the secret', () => {
    expect(judge(reply(503, '', '', { retryAfter: '-5' }), ctx)).toEqual({
      action: 'retry',
      reason: 'HTTP 503',
      note: 'Retry-After "-5" ignored (not delay-seconds or an HTTP date)',
    });
    expect(judge(reply(429, '', '', { retryAfter: '9'.repeat(50) }), ctx)).toEqual({
      action: 'retry',
      reason: 'HTTP 429',
      note: `Retry-After "${'9'.repeat(40)}…" ignored (more than a day away)`,
    });
    const hostile = judge(reply(503, '', '', { retryAfter: 'x\u009b31m::error::s3cr3t' }), {
      ...ctx,
      redact: (t) => t.replaceAll('s3cr3t', '***'),
    });
    expect(hostile).toEqual({
      action: 'retry',
      reason: 'HTTP 503',
      note: 'Retry-After "x 31m::error::***" ignored (not delay-seconds or an HTTP date)',
    });
  });
});

describe('readRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it('reads delay-seconds and HTTP dates', () => {
    expect(readRetryAfter('0', now)).toEqual({ ms: 0 });
    expect(readRetryAfter(' 120 ', now)).toEqual({ ms: 120_000 });
    expect(readRetryAfter('86400', now)).toEqual({ ms: 86_400_000 }); // a day: long, but meant
    expect(readRetryAfter('Thu, 01 Jan 2026 12:01:00 GMT', now)).toEqual({ ms: 60_000 });
    expect(readRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toEqual({ ms: 0 }); // in the past: go now
  });
  it('is absent when there is no header', () => {
    for (const v of [undefined, '', '  ']) expect(readRetryAfter(v, now)).toBeUndefined();
  });
  it('ignores, saying why, what is neither, and waits more than a day away', () => {
    for (const v of ['-5', '1.5', 'soon', '2026-01-01T12:00:10Z', 'Thu, 99 Foo 2026 99:00:00 GMT', '+5', '0x10']) {
      expect(readRetryAfter(v, now)).toEqual({ ignored: 'not delay-seconds or an HTTP date' });
    }
    for (const v of ['86401', '1'.repeat(40), '9'.repeat(400), 'Fri, 01 Jan 2100 00:00:00 GMT'])
      expect(readRetryAfter(v, now)).toEqual({ ignored: 'more than a day away' });
  });
});

describe('backoff', () => {
  it('doubles from the base up to the cap, with full jitter below the ceiling', () => {
    const o = { baseMs: 500, capMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffCeilingMs(a, o))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffMs(3, o, () => 0)).toBe(0);
    expect(backoffMs(3, o, () => 0.5)).toBe(1000);
    expect(backoffMs(3, o, () => 0.999999)).toBe(1999);
  });
});

describe('runBudgetMs', () => {
  it('is the first target alone, the rest over the lanes, one full retry schedule and one timeout to spare', () => {
    // 10 targets, 4 lanes: 1 + ceil(9/4) = 4 rounds of 10 s; 3 retries of (10 s + 0.5/1/2 s); 10 s spare.
    expect(runBudgetMs({ targets: 10, concurrency: 4, retries: 3, timeoutMs: 10_000 })).toBe(40_000 + 33_500 + 10_000);
    expect(runBudgetMs({ targets: 10, concurrency: 1, retries: 1, timeoutMs: 100 })).toBe(1000 + 600 + 100);
    expect(runBudgetMs({ targets: 2, concurrency: 64, retries: 0, timeoutMs: 300 })).toBe(600 + 300);
    expect(runBudgetMs({ targets: 1, concurrency: 4, retries: 0, timeoutMs: 5000 })).toBe(10_000);
  });
});

describe('serverMessage', () => {
  it('takes the JSON error or message, an HTML title, or the text, on one short line', () => {
    expect(serverMessage('{"error":"Invalid type"}', 'application/json')).toBe('Invalid type');
    expect(serverMessage('{"message":"Slow down"}', '')).toBe('Slow down');
    expect(serverMessage('<!doctype html><title>502 Bad &amp; Gateway</title>', 'text/html')).toBe('HTML page "502 Bad & Gateway"');
    expect(serverMessage('<html><body>x</body></html>', 'text/html')).toBe('an HTML page');
    expect(serverMessage('line one\n::error::injected\r\n\u001b[31mred', 'text/plain')).toBe('line one ::error::injected [31mred');
    const long = serverMessage('x'.repeat(500), 'text/plain');
    expect(long).toBe(`${'x'.repeat(200)}…`);
  });
  it('redacts before it truncates, so no prefix of the secret survives the cut', () => {
    const secret = 'TOPSECRET-0123456789';
    const message = serverMessage(`${'x'.repeat(195)}${secret}`, 'text/plain', redactor(secret));
    expect(message).toBe(`${'x'.repeat(195)}***`);
    expect(message).not.toContain('TOPS');
  });
  it('redacts a secret the server JSON-escaped in ways plain matching misses', () => {
    const secret = 'abc';
    expect(serverMessage('{"error":"got \\u0061\\u0062\\u0063"}', 'application/json', redactor(secret))).toBe('got ***');
  });
});

describe('redactor', () => {
  it('removes the secret as given, as sent, and in escaped forms', () => {
    const secret = 's3cr/t"x&y<é> z\n';
    const redact = redactor(secret);
    const sent = headerValue(secret);
    expect(sent).toBe('s3cr/t"x&y<é> z');
    const forms = [
      sent,
      encodeURIComponent(sent),
      encodeURIComponent(sent).toLowerCase(),
      JSON.stringify(sent).slice(1, -1),
      JSON.stringify(sent).slice(1, -1).replace(/\//g, '\\/'),
      's3cr/t\\"x&y<\\u00e9> z',
      's3cr/t&quot;x&amp;y&lt;é&gt; z',
    ];
    for (const form of forms) expect(redact(`before ${form} after`)).toBe('before *** after');
  });
  it('leaves text alone when there is no secret', () => {
    expect(redactor('')('plain')).toBe('plain');
  });
});

describe('secretProblem', () => {
  it('refuses what cannot travel in a header, without quoting the secret', () => {
    expect(secretProblem('good-secret\n', 'x-h')).toBeUndefined();
    expect(secretProblem('  \n', 'x-h')).toBe('is blank (only whitespace)');
    const problem = secretProblem('first-line\nsecond-line', 'x-h');
    expect(problem).toBe(
      'contains a line break or a control character, which cannot travel in the `x-h` header; re-save the repository secret as one line',
    );
    expect(secretProblem('emoji-🔑', 'x-h')).toContain('outside Latin-1');
  });
});
