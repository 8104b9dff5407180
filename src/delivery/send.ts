/**
 * Delivery: one POST per target in the endpoint contract, at most `concurrency` in flight,
 * each attempt bounded by `timeoutMs`, retried per the policy. Redirects are never followed to
 * another origin with the secret. Every target ends in exactly one Delivery.
 */
import type { Delivery, Target } from '../types.js';
import { backoffMs, formatSeconds, judge, type BackoffOptions, type Outcome } from './policy.js';

export interface DeliveryOptions {
  endpoint: string;
  secret: string;
  secretHeader: string;
  concurrency: number;
  retries: number;
  timeoutMs: number;
  /** Absolute time (ms since epoch) after which no new attempt starts. */
  deadline?: number;
  backoff?: BackoffOptions;
  /** The longest `Retry-After` the action will wait; a longer one fails the target and says so. */
  maxRetryAfterMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called as each target finishes, for live log lines. */
  onDelivery?: (delivery: Delivery) => void;
}

const MAX_REDIRECTS = 3;
const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 10_000 };

export async function deliver(targets: Target[], options: DeliveryOptions): Promise<Delivery[]> {
  const results: Delivery[] = new Array(targets.length);
  const redact = redactor(options.secret);
  let stopReason: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index] as Target;
      let delivery: Delivery;
      if (stopReason !== undefined) {
        delivery = { target, status: 'skipped', attempts: 0, ms: 0, error: `not sent: ${stopReason}` };
      } else if (options.deadline !== undefined && Date.now() >= options.deadline) {
        delivery = { target, status: 'skipped', attempts: 0, ms: 0, error: 'not sent: the run deadline was reached first' };
      } else {
        delivery = await deliverOne(target, options, redact, () => stopReason, (reason) => {
          stopReason ??= reason;
        });
      }
      results[index] = delivery;
      options.onDelivery?.(delivery);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, targets.length)) }, worker);
  await Promise.all(workers);
  return results;
}

async function deliverOne(
  target: Target,
  options: DeliveryOptions,
  redact: (s: string) => string,
  stopped: () => string | undefined,
  stopAll: (reason: string) => void,
): Promise<Delivery> {
  const started = Date.now();
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxRetryAfter = options.maxRetryAfterMs ?? 60_000;
  let attempts = 0;
  let lastStatus: number | undefined;
  const done = (status: Delivery['status'], error?: string): Delivery => ({
    target,
    status,
    attempts,
    ms: Date.now() - started,
    ...(lastStatus !== undefined ? { httpStatus: lastStatus } : {}),
    ...(error !== undefined ? { error: redact(error) } : {}),
  });
  for (;;) {
    attempts += 1;
    const outcome = await attempt(target, options);
    lastStatus = outcome.kind === 'response' ? outcome.status : undefined;
    const verdict = judge(outcome, options.secretHeader);
    if (verdict.action === 'success') return done('revalidated');
    if (verdict.action === 'fail') return done('failed', verdict.reason);
    if (verdict.action === 'stop-all') {
      stopAll(`the endpoint refused the secret (HTTP ${lastStatus ?? '?'})`);
      return done('failed', verdict.reason);
    }
    const lastReason = verdict.reason;
    if (attempts > options.retries) {
      return done('failed', `${lastReason} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})`);
    }
    if (verdict.retryAfterMs !== undefined && verdict.retryAfterMs > maxRetryAfter) {
      return done('failed', `${lastReason}; the server asked to retry after ${formatSeconds(verdict.retryAfterMs)}, longer than the ${formatSeconds(maxRetryAfter)} the action waits`);
    }
    const wait = verdict.retryAfterMs ?? backoffMs(attempts, options.backoff ?? DEFAULT_BACKOFF, random);
    if (options.deadline !== undefined && Date.now() + wait >= options.deadline) {
      return done('failed', `${lastReason}; no time left before the run deadline to retry`);
    }
    const stopReason = stopped();
    if (stopReason !== undefined) return done('failed', `${lastReason}; not retried: ${stopReason}`);
    await sleep(wait);
  }
}

/** One attempt, redirects included; never throws. */
async function attempt(target: Target, options: DeliveryOptions): Promise<Outcome> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let url = options.endpoint;
  const origin = new URL(url).origin;
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [options.secretHeader]: options.secret, 'user-agent': 'isr-revalidate' },
        body: JSON.stringify({ type: target.type, value: target.value }),
        redirect: 'manual',
        signal,
      });
      const location = response.headers.get('location') ?? undefined;
      // A same-origin 307/308 keeps method and body and cannot leak the secret elsewhere.
      if ((response.status === 307 || response.status === 308) && location && hop < MAX_REDIRECTS) {
        const nextUrl = new URL(location, url);
        if (nextUrl.origin === origin) {
          await response.body?.cancel();
          url = nextUrl.href;
          continue;
        }
      }
      const body = await response.text();
      return {
        kind: 'response',
        status: response.status,
        body,
        contentType: response.headers.get('content-type') ?? '',
        ...(response.headers.get('retry-after') !== null ? { retryAfter: response.headers.get('retry-after') as string } : {}),
        ...(location !== undefined ? { location: new URL(location, url).href } : {}),
      };
    }
  } catch (error) {
    if (signal.aborted) return { kind: 'timeout', ms: options.timeoutMs };
    return { kind: 'network', message: describeNetworkError(error) };
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

/** Replaces the secret (and its URL- and JSON-escaped forms) wherever it appears. */
export function redactor(secret: string): (text: string) => string {
  if (!secret) return (t) => t;
  const forms = [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])].filter((f) => f.length > 0);
  return (text) => forms.reduce((t, f) => t.split(f).join('***'), text);
}
