/**
 * Verification rules, pure: what a revalidated path should answer, and what an answer's headers
 * say about how fresh the copy is. Plain values in and out, so every header family is tested
 * without a server (test/unit/verify-rules.test.ts); visit.ts does the GETs.
 *
 * Caches sit in layers (a CDN in front of Next.js' own cache), and each layer says what it did
 * in its own header. Any layer that served an old copy makes the answer stale; a layer that
 * answered from a copy of unknown age (a plain HIT) needs other evidence (its Age, or validators
 * unlike those of the copies from before the revalidation); a layer that rendered or fetched the
 * page just now is fresh.
 */
import type { CheckResult, Expectation, Target } from '../types.js';

/** A path that came only from the old name of files that are gone should be gone too. */
export function expectationOf(target: Pick<Target, 'goneWithFile'>): Expectation {
  return target.goneWithFile ? 'gone' : 'served';
}

export function expectedStatus(expected: Expectation): string {
  return expected === 'gone' ? '404 or 410' : '200';
}

/** One GET's answer, as visit.ts read it. Header names lower case. */
export interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  /** SHA-256 of the body (hex): a validator of last resort, when the site sends no ETag. */
  digest: string;
  /** The Location of a redirect, resolved and free of secrets. */
  location?: string;
  /** Whether that Location is on another origin (never followed). */
  crossOrigin?: boolean;
}

/** What identifies one copy of a page: compared with the copies known to be old. */
export interface Copy {
  status: number;
  etag?: string | undefined;
  lastModified?: string | undefined;
  digest: string;
}

export function copyOf(answer: Answer): Copy {
  return { status: answer.status, etag: answer.headers.etag, lastModified: answer.headers['last-modified'], digest: answer.digest };
}

export type Signal = 'fresh' | 'stale' | 'cached';

/** One header's word on the answer. */
export interface Reading {
  header: string;
  value: string;
  signal: Signal;
}

/** The cache-status header families understood, each value mapped to what it means. */
const FAMILIES: Array<{ header: string; read: (value: string) => Signal | undefined }> = [
  // Next.js' own cache (next start, and self-hosted behind anything).
  { header: 'x-nextjs-cache', read: (v) => word(v, { MISS: 'fresh', REVALIDATED: 'fresh', STALE: 'stale', HIT: 'cached' }) },
  // Vercel's edge. PRERENDER: the copy made at build time (or the last revalidation).
  {
    header: 'x-vercel-cache',
    read: (v) => word(v, { MISS: 'fresh', REVALIDATED: 'fresh', BYPASS: 'fresh', STALE: 'stale', HIT: 'cached', PRERENDER: 'cached' }),
  },
  // Cloudflare. DYNAMIC and BYPASS: not cached there, so the origin answered.
  {
    header: 'cf-cache-status',
    read: (v) =>
      word(v, {
        MISS: 'fresh',
        EXPIRED: 'fresh',
        REVALIDATED: 'fresh',
        BYPASS: 'fresh',
        DYNAMIC: 'fresh',
        STALE: 'stale',
        UPDATING: 'stale',
        HIT: 'cached',
      }),
  },
  // CloudFront ("Hit from cloudfront", "RefreshHit from cloudfront"), Fastly and Varnish
  // ("HIT, MISS": one word per cache on the way, shield first).
  { header: 'x-cache', read: readXCache },
];

function word(value: string, meanings: Record<string, Signal>): Signal | undefined {
  return meanings[value.trim().toUpperCase()];
}

function readXCache(value: string): Signal | undefined {
  const words = value
    .toLowerCase()
    .split(',')
    .map((w) => w.trim().split(/\s+/)[0] ?? '');
  if (words.some((w) => w.includes('stale'))) return 'stale';
  if (words.some((w) => w === 'hit' || w === 'tcp_hit' || w === 'tcp_mem_hit')) return 'cached';
  if (words.some((w) => w === 'refreshhit' || w === 'miss' || w === 'tcp_miss' || w === 'pass' || w === 'tcp_refresh_hit')) return 'fresh';
  return undefined;
}

/** The cache-status headers of an answer, in the order of FAMILIES. */
export function readCacheHeaders(headers: Answer['headers']): Reading[] {
  const readings: Reading[] = [];
  for (const family of FAMILIES) {
    const value = headers[family.header];
    if (value === undefined) continue;
    const signal = family.read(value);
    if (signal) readings.push({ header: family.header, value: value.trim(), signal });
  }
  return readings;
}

export interface Judgement {
  freshness: 'fresh' | 'stale' | 'unconfirmed';
  /** What the headers said, for the report: "x-nextjs-cache: STALE; age: 120". */
  evidence: string;
}

export interface FreshnessContext {
  /** Milliseconds from the start of delivery to this answer. */
  sinceDeliveryMs: number;
  /** Copies known to be old: the snapshot before delivery, and answers judged stale since. */
  old: Array<Copy & { why: 'before' | 'stale' }>;
}

/** What the cache headers said, word for word: "x-nextjs-cache: HIT", "age: 12". */
export function cacheWords(headers: Answer['headers']): string[] {
  const said = readCacheHeaders(headers).map((r) => `${r.header}: ${r.value}`);
  if (headers.age !== undefined) said.push(`age: ${headers.age.trim()}`);
  return said;
}

/** A copy as old as this or older (by its Age) was stored before the revalidation; 1 s for clock rounding. */
const AGE_SLACK_S = 1;

/** How fresh one answer is, from its headers and the copies known to be old. */
export function judgeFreshness(answer: Answer, context: FreshnessContext): Judgement {
  const h = answer.headers;
  const readings = readCacheHeaders(h);
  const said = cacheWords(h);
  const age = readAge(h.age);
  const evidence = (extra?: string) => [...(said.length > 0 ? said : ['no cache headers']), ...(extra ? [extra] : [])].join('; ');

  const stale = readings.find((r) => r.signal === 'stale');
  if (stale) return { freshness: 'stale', evidence: evidence() };
  const elapsedS = context.sinceDeliveryMs / 1000;
  if (age !== undefined && age > elapsedS + AGE_SLACK_S) {
    return { freshness: 'stale', evidence: evidence(`a copy ${age} s old, stored before the revalidation ${Math.round(elapsedS)} s ago`) };
  }
  const newSince = newSinceDelivery(answer, context);
  if (readings.some((r) => r.signal === 'cached')) {
    // A copy of unknown age: the Age header, or validators unlike the old copies', date it.
    if (age !== undefined) return { freshness: 'fresh', evidence: evidence(`stored after the revalidation`) };
    if (newSince) return { freshness: 'fresh', evidence: evidence(newSince) };
    return sameAsOld(answer, context, evidence);
  }
  if (readings.length > 0) return { freshness: 'fresh', evidence: evidence() };
  // No cache says anything: a response no cache may keep was made for this request.
  const control = (h['cache-control'] ?? '').toLowerCase();
  if (/\b(no-store|private)\b/.test(control)) return { freshness: 'fresh', evidence: `cache-control: ${h['cache-control']?.trim() ?? ''}` };
  if (newSince) return { freshness: 'fresh', evidence: evidence(newSince) };
  return sameAsOld(answer, context, evidence);
}

/** Why the answer is a copy made since the revalidation, when its validators say so. */
function newSinceDelivery(answer: Answer, context: FreshnessContext): string | undefined {
  const lastModified = Date.parse(answer.headers['last-modified'] ?? '');
  const date = Date.parse(answer.headers.date ?? '');
  // The server's own clock: its Date minus the time since delivery began is when that was, for it.
  if (Number.isFinite(lastModified) && Number.isFinite(date) && lastModified >= date - context.sinceDeliveryMs - AGE_SLACK_S * 1000) {
    return `last-modified ${answer.headers['last-modified']?.trim() ?? ''}, after the revalidation`;
  }
  if (context.old.length === 0) return undefined;
  const copy = copyOf(answer);
  if (context.old.every((o) => differs(copy, o))) {
    const by = copy.etag !== undefined && context.old.every((o) => o.etag !== undefined) ? `etag ${copy.etag}` : 'content';
    return `new ${by} since before the revalidation`;
  }
  return undefined;
}

function differs(a: Copy, b: Copy): boolean {
  if (a.status !== b.status) return true;
  if (a.etag !== undefined && b.etag !== undefined) return a.etag !== b.etag;
  return a.digest !== b.digest;
}

function sameAsOld(answer: Answer, context: FreshnessContext, evidence: (extra?: string) => string): Judgement {
  const copy = copyOf(answer);
  const match = context.old.find((o) => !differs(copy, o));
  if (match?.why === 'stale') return { freshness: 'stale', evidence: evidence('the same copy as the stale answer before') };
  if (match) return { freshness: 'unconfirmed', evidence: evidence('the same copy as before the revalidation') };
  return { freshness: 'unconfirmed', evidence: evidence('no copy from before the revalidation to compare with') };
}

function readAge(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

export interface Verdict {
  result: CheckResult | 'ask-again';
  evidence: string;
}

/**
 * One answer against its expectation. `ask-again`: an old copy, worth another visit after a
 * short wait (stale-while-revalidate hands it to the first visitor and renders the new one).
 */
export function judgeAnswer(expected: Expectation, answer: Answer, context: FreshnessContext): Verdict {
  const status = answer.status;
  const redirect = status >= 300 && status < 400 && answer.location !== undefined;
  if (expected === 'gone' && redirect) return { result: 'fresh', evidence: `redirects to ${answer.location ?? ''}` };
  if (redirect) {
    const where = answer.crossOrigin ? 'another origin, not followed' : 'too many redirects';
    return { result: 'wrong-status', evidence: `redirects to ${answer.location ?? ''} (${where})` };
  }
  const judged = judgeFreshness(answer, context);
  const asExpected = expected === 'gone' ? status === 404 || status === 410 : status >= 200 && status < 300;
  if (judged.freshness === 'stale') return { result: 'ask-again', evidence: judged.evidence };
  if (!asExpected) {
    const said = cacheWords(answer.headers);
    return {
      result: 'wrong-status',
      evidence: `expected ${expectedStatus(expected)}; ${said.length > 0 ? said.join('; ') : 'no cache headers'}`,
    };
  }
  return { result: judged.freshness, evidence: judged.evidence };
}

/** Waits between visits to a stale path: the bound is their sum (7.5 s, five visits in all). */
export const STALE_WAITS_MS = [500, 1000, 2000, 4000];

/** The result after the last visit allowed: a copy still stale fails, saying so. */
export function staleAtBound(evidence: string, visits: number, waitedMs: number): Verdict {
  return {
    result: 'stale',
    evidence: `still stale after ${visits} visit${visits === 1 ? '' : 's'} over ${(waitedMs / 1000).toFixed(1)} s: ${evidence}`,
  };
}
