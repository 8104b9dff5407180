/**
 * Verification's I/O: GET every revalidated path on the site, at most `concurrency` at once,
 * each GET bounded by `timeoutMs` and retried like a delivery (network error, timeout, 408,
 * 425, 429, 5xx; `retries` more tries with the same backoff), and a stale answer asked again
 * after the short waits of rules.ts. The requests carry only the headers the user asked for
 * (`verify-headers`): never the secret. A redirect is followed only within the site's origin.
 *
 * node:http rather than fetch, as in delivery: fetch adds headers of its own (accept,
 * user-agent, accept-encoding…), and a visit must carry none the user did not ask for.
 */
import { createHash } from 'node:crypto';
import type { ClientRequest, IncomingHttpHeaders } from 'node:http';
import { transport } from '../delivery/http.js';
import { backoffMs, DEFAULT_BACKOFF, DEFAULT_MAX_RETRY_AFTER_MS, readRetryAfter, RETRYABLE_STATUS } from '../delivery/policy.js';
import type { VerifyHeader } from '../inputs.js';
import type { Expectation, PathCheck } from '../types.js';
import { copyOf, judgeAnswer, STALE_WAITS_MS, staleAtBound, type Answer, type Copy, type Verdict } from './rules.js';

export interface VisitOptions {
  /** The site's base: origin and optional path prefix, no trailing slash. */
  site: string;
  headers: VerifyHeader[];
  concurrency: number;
  retries: number;
  timeoutMs: number;
  /** Removes the secret and the header values from anything shown. */
  redact: (text: string) => string;
  signal?: AbortSignal | undefined;
  /** Waits between visits to a stale path (rules.ts); tests shorten them. */
  staleWaitsMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  onCheck?: (check: PathCheck) => void;
}

/** Same-origin redirects followed before giving up, as delivery does. */
export const MAX_REDIRECTS = 3;
/** Bytes of a page read at most: its digest is of this prefix. A page is read to compare copies, not kept. */
export const PAGE_READ_LIMIT = 8 * 1024 * 1024;

/** One GET per path before delivery, one try each: the copies the visits after it are compared with. */
export async function snapshot(paths: string[], options: VisitOptions): Promise<Map<string, Copy>> {
  const copies = new Map<string, Copy>();
  await pool(paths, options.concurrency, options.signal, async (path) => {
    const got = await getOnce(path, 'served', options);
    if (got.kind === 'answer') copies.set(path, copyOf(got.answer));
  });
  return copies;
}

export interface PathToCheck {
  path: string;
  expected: Expectation;
}

/** Visits every path (in order, `concurrency` at once); one PathCheck each, in the paths' order. */
export async function visitAll(
  paths: PathToCheck[],
  before: Map<string, Copy>,
  deliveryStartedAt: number,
  options: VisitOptions,
): Promise<PathCheck[]> {
  const checks: PathCheck[] = new Array(paths.length);
  await pool(paths, options.concurrency, options.signal, async (p, i) => {
    const check = await visitOne(p, before.get(p.path), deliveryStartedAt, options);
    checks[i] = check;
    options.onCheck?.(check);
  });
  // Paths a cancellation left unvisited are reported as such, not dropped.
  return [...checks].map(
    (c, i) =>
      c ?? {
        path: (paths[i] as PathToCheck).path,
        expected: (paths[i] as PathToCheck).expected,
        result: 'error',
        evidence: 'not visited: the run was cancelled',
        attempts: 0,
        ms: 0,
      },
  );
}

async function visitOne(p: PathToCheck, before: Copy | undefined, deliveryStartedAt: number, options: VisitOptions): Promise<PathCheck> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const waits = options.staleWaitsMs ?? STALE_WAITS_MS;
  const started = now();
  const old: Array<Copy & { why: 'before' | 'stale' }> = before ? [{ ...before, why: 'before' }] : [];
  let attempts = 0;
  let waited = 0;
  let firstStale: string | undefined;
  const done = (verdict: Verdict, status?: number): PathCheck => ({
    path: p.path,
    expected: p.expected,
    result: verdict.result === 'ask-again' ? 'stale' : verdict.result,
    ...(status !== undefined ? { status } : {}),
    evidence: options.redact(verdict.evidence),
    attempts,
    ms: now() - started,
  });
  for (let visit = 0; ; visit++) {
    const got = await getWithRetries(p, options, () => attempts++, sleep);
    if (got.kind === 'failure') return done({ result: 'error', evidence: got.message }, got.status);
    const verdict = judgeAnswer(p.expected, got.answer, { sinceDeliveryMs: now() - deliveryStartedAt, old });
    if (verdict.result !== 'ask-again') {
      // Said, so the report shows the stale-while-revalidate it waited out.
      const staleBefore = firstStale === undefined ? '' : `; visit 1 was stale: ${firstStale}`;
      return done({ ...verdict, evidence: `${verdict.evidence}${staleBefore}` }, got.answer.status);
    }
    firstStale ??= verdict.evidence;
    const wait = waits[visit];
    if (wait === undefined || options.signal?.aborted) return done(staleAtBound(verdict.evidence, visit + 1, waited), got.answer.status);
    old.push({ ...copyOf(got.answer), why: 'stale' });
    await sleep(wait);
    waited += wait;
  }
}

type Got = { kind: 'answer'; answer: Answer } | { kind: 'failure'; message: string; status?: number };

/** One GET, retried as a delivery would be: network errors, timeouts and 408/425/429/5xx. */
async function getWithRetries(
  p: PathToCheck,
  options: VisitOptions,
  count: () => void,
  sleep: (ms: number) => Promise<void>,
): Promise<Got> {
  for (let attempt = 1; ; attempt++) {
    count();
    const got = await getOnce(p.path, p.expected, options);
    const status = got.kind === 'answer' ? got.answer.status : got.status;
    const retryable = got.kind === 'failure' || (status !== undefined && RETRYABLE_STATUS.has(status));
    // A Retry-After is waited out as delivery does (up to 60 s); a longer one ends the tries.
    const asked = got.kind === 'answer' ? readRetryAfter(got.answer.headers['retry-after'], Date.now()) : undefined;
    const retryAfterMs = asked && 'ms' in asked ? asked.ms : undefined;
    const tooLong = retryAfterMs !== undefined && retryAfterMs > DEFAULT_MAX_RETRY_AFTER_MS;
    if (!retryable || tooLong || attempt > options.retries || options.signal?.aborted) {
      if (got.kind === 'failure') return { ...got, message: `${got.message}${attempt > 1 ? ` (after ${attempt} tries)` : ''}` };
      return got;
    }
    await sleep(retryAfterMs ?? backoffMs(attempt, DEFAULT_BACKOFF, options.random ?? Math.random));
  }
}

/** One GET of one path, same-origin redirects followed when the page should be served. Never throws. */
async function getOnce(path: string, expected: Expectation, options: VisitOptions): Promise<Got> {
  const site = new URL(options.site);
  let url = new URL(`${site.pathname.replace(/\/$/, '')}${path}`, site.origin).href;
  const headers = Object.fromEntries(options.headers.map((h) => [h.name, h.value]));
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (let hops = 0; ; hops++) {
      const reply = await get(url, headers, deadline - Date.now(), options.signal);
      const location = reply.headers.location === undefined ? undefined : resolve(reply.headers.location, url);
      const crossOrigin = location !== undefined && !sameOrigin(location, site.origin);
      const redirect = reply.status >= 300 && reply.status < 400 && location !== undefined;
      if (redirect && !crossOrigin && expected === 'served' && hops < MAX_REDIRECTS) {
        url = location;
        continue;
      }
      return {
        kind: 'answer',
        answer: {
          status: reply.status,
          headers: flatten(reply.headers),
          digest: reply.digest,
          ...(location !== undefined ? { location: options.redact(location), crossOrigin } : {}),
        },
      };
    }
  } catch (error) {
    return { kind: 'failure', message: options.redact(describe(error, options.timeoutMs)) };
  }
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  digest: string;
}

class TimedOut extends Error {}

function get(url: string, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal | undefined): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    void transport(new URL(url).protocol)
      .then(({ request, agent }) => {
        const exchange: ClientRequest = request(url, { method: 'GET', agent, headers });
        let timedOut = false;
        // One timer for the whole exchange, body included: a page that drips cannot outlast it.
        const timer = setTimeout(
          () => {
            timedOut = true;
            exchange.destroy(new TimedOut());
          },
          Math.max(1, timeoutMs),
        );
        const onAbort = () => exchange.destroy(new Error('cancelled'));
        const finish = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        const fail = (e: unknown) => {
          finish();
          reject(timedOut ? new TimedOut() : e);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        if (signal?.aborted) onAbort();
        exchange.on('error', fail);
        exchange.on('response', (response) => {
          const hash = createHash('sha256');
          let bytes = 0;
          const settle = () => {
            finish();
            resolvePromise({ status: response.statusCode ?? 0, headers: response.headers, digest: hash.digest('hex') });
          };
          response.on('data', (chunk: Buffer) => {
            if (bytes >= PAGE_READ_LIMIT) return;
            hash.update(chunk.subarray(0, PAGE_READ_LIMIT - bytes));
            bytes += chunk.length;
            if (bytes >= PAGE_READ_LIMIT) {
              settle();
              response.destroy();
            }
          });
          response.on('end', () => {
            if (bytes < PAGE_READ_LIMIT) settle();
          });
          response.on('error', fail);
          response.on('close', () => {
            if (!response.complete && bytes < PAGE_READ_LIMIT)
              fail(Object.assign(new Error('the connection closed before the page was complete'), { code: 'ECONNRESET' }));
          });
        });
        exchange.end();
      })
      .catch(reject); // request() throws on a header node:http refuses
  });
}

/** Header values as one string each (set-cookie and the like joined). */
function flatten(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

function resolve(location: string, base: string): string | undefined {
  try {
    return new URL(location, base).href;
  } catch {
    return undefined;
  }
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof TimedOut) return `no answer within ${timeoutMs / 1000} s (timeout)`;
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return code && !message.startsWith(code) ? `${code} (${message})` : message;
}

/** Runs `work` for each item, at most `limit` at once; nothing new starts once `signal` is aborted. */
async function pool<T>(
  items: T[],
  limit: number,
  signal: AbortSignal | undefined,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
