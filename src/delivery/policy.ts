/**
 * Retry policy: what an attempt's outcome means and how long to wait before the next one.
 * Pure: plain values in and out, so every rule is tested without a clock or a network.
 */
import { z } from 'zod';

export type Outcome =
  | { kind: 'response'; status: number; body: string; contentType: string; retryAfter?: string; location?: string }
  | { kind: 'network'; message: string }
  | { kind: 'timeout'; ms: number };

export type Verdict =
  | { action: 'success' }
  | { action: 'retry'; reason: string; retryAfterMs?: number }
  | { action: 'fail'; reason: string }
  /** The secret or its header is wrong: sending more would only hammer the site. */
  | { action: 'stop-all'; reason: string };

export const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

const replySchema = z
  .object({
    revalidated: z.boolean().optional(),
    error: z.unknown().optional(),
    message: z.unknown().optional(),
  })
  .passthrough();

export function judge(outcome: Outcome, secretHeader: string, now: number = Date.now()): Verdict {
  if (outcome.kind === 'network') return { action: 'retry', reason: `network error: ${outcome.message}` };
  if (outcome.kind === 'timeout') return { action: 'retry', reason: `no complete reply within ${formatSeconds(outcome.ms)}` };
  const { status } = outcome;
  const serverSays = serverMessage(outcome.body, outcome.contentType);
  const suffix = serverSays ? `: ${serverSays}` : '';
  if (status >= 200 && status < 300) {
    const reply = parseJsonReply(outcome.body, outcome.contentType);
    if (reply?.revalidated === false) return { action: 'fail', reason: `HTTP ${status} but the endpoint says revalidated: false${suffix}` };
    if (reply && reply.error !== undefined && reply.error !== null && reply.error !== false) {
      return { action: 'fail', reason: `HTTP ${status} with an error${suffix}` };
    }
    return { action: 'success' };
  }
  if (status === 401 || status === 403) {
    return {
      action: 'stop-all',
      reason: `HTTP ${status}: the endpoint refused the secret sent in the \`${secretHeader}\` header${suffix}; check the \`secret\` and \`secret-header\` inputs against the site's configuration`,
    };
  }
  if (status >= 300 && status < 400) {
    return { action: 'fail', reason: `HTTP ${status} redirect to ${outcome.location ?? '(no Location header)'}: the endpoint is misconfigured; use the final URL as \`endpoint\`` };
  }
  if (RETRYABLE_STATUS.has(status)) {
    const retryAfterMs = parseRetryAfter(outcome.retryAfter, now);
    return { action: 'retry', reason: `HTTP ${status}${suffix}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { action: 'fail', reason: `HTTP ${status}${suffix}` };
}

/** `Retry-After` is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** Exponential backoff with full jitter: a random wait in [0, min(cap, base·2^(attempt-1))). */
export function backoffMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

function parseJsonReply(body: string, contentType: string): z.infer<typeof replySchema> | undefined {
  const looksJson = /\bjson\b/i.test(contentType) || /^\s*[{[]/.test(body);
  if (!looksJson) return undefined;
  try {
    const parsed = replySchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The server's own words, short and on one line: a JSON `error`/`message`, or the body's text. */
export function serverMessage(body: string, contentType: string): string {
  const reply = parseJsonReply(body, contentType);
  let text: string;
  if (reply) {
    const said = reply.error ?? reply.message;
    text = typeof said === 'string' ? said : said === undefined ? '' : JSON.stringify(said);
  } else if (/html/i.test(contentType) || /^\s*</.test(body)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
    text = title ? `HTML page "${title.trim()}"` : 'an HTML page';
  } else {
    text = body;
  }
  // Strip control characters (and with them any workflow-command injection) and keep it short.
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
