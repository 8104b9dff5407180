/**
 * Retry policy: what an attempt's outcome means, how long to wait before the next one, and how
 * long the whole run may take. Pure: plain values in and out, so every rule is tested without a
 * clock or a network.
 */
import { z } from 'zod';
import { ACTION_NAMES, type Names } from '../inputs.js';
import { lazy } from '../lazy.js';
import { withoutCredentials } from '../text.js';

export type Outcome =
  | {
      kind: 'response';
      status: number;
      /** The body as read (at most a bounded prefix), already redacted. */
      body: string;
      /** Set when the reply was longer than the read cap: the cap in bytes; `body` is only its beginning. */
      cutAtBytes?: number;
      contentType: string;
      retryAfter?: string;
      /** The Location header, resolved against the request URL when it parses, already redacted. */
      location?: string;
      /** How many same-origin 307/308 hops were followed before this response. */
      redirects: number;
      /** Set when the response is a redirect the action refuses to follow further (too many hops). */
      tooManyRedirects?: boolean;
    }
  | {
      kind: 'network';
      message: string;
      /** A new connection was refused, or reset before any reply: the endpoint takes no more connections. */
      refused?: boolean;
    }
  | { kind: 'timeout'; ms: number }
  /** The run deadline, not the per-request timeout, cut the attempt short. */
  | { kind: 'deadline' }
  /** The run was cancelled and the request had no reply by the end of the grace it was given. */
  | { kind: 'cancelled'; graceMs: number };

export type Verdict = (
  | { action: 'success' }
  | { action: 'retry'; reason: string; retryAfterMs?: number }
  | { action: 'fail'; reason: string }
  /** The secret or its header is wrong: sending more would only hammer the site. */
  | { action: 'stop-all'; reason: string }
) & {
  /** Something in the reply that was not taken at its word (for the log; already redacted). */
  note?: string;
};

export const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

export interface JudgeContext {
  secretHeader: string;
  /** Where the credential travels, when not in `secretHeader` ("the `authorization` header"). */
  credentialWhere?: string;
  /** The settings to check when it is refused, when not `secret` and `secret-header`. */
  credentialHint?: string;
  /** How the edge names settings in messages ("input `timeout`", "--timeout"). */
  names?: Names;
  /** Applied to anything the server said, after decoding and before truncating. */
  redact?: (text: string) => string;
  now?: number;
}

// Lenient on purpose: any JSON object is a reply; only a `revalidated` other than `true` or an
// `error` mean failure. Built on first use (lazy.ts): a run with nothing to send never needs it.
const replySchema = lazy(() =>
  z.looseObject({
    revalidated: z.unknown().optional(),
    error: z.unknown().optional(),
    message: z.unknown().optional(),
  }),
);
type Reply = z.infer<ReturnType<typeof replySchema>>;

export function judge(outcome: Outcome, context: JudgeContext): Verdict {
  const verdict = judgeOutcome(outcome, context);
  if (outcome.kind === 'response' && outcome.cutAtBytes !== undefined && verdict.note === undefined) {
    return { ...verdict, note: `reply longer than the ${formatBytes(outcome.cutAtBytes)} read cap: judged by its HTTP status alone` };
  }
  return verdict;
}

function judgeOutcome(outcome: Outcome, context: JudgeContext): Verdict {
  if (outcome.kind === 'network') return { action: 'retry', reason: `network error: ${outcome.message}` };
  if (outcome.kind === 'timeout')
    return {
      action: 'retry',
      reason: `no complete reply within ${formatSeconds(outcome.ms)} (${(context.names ?? ACTION_NAMES).input('timeout')})`,
    };
  if (outcome.kind === 'deadline') return { action: 'fail', reason: 'cut short: the run deadline was reached during the request' };
  if (outcome.kind === 'cancelled') {
    return {
      action: 'fail',
      reason: `cut short: the run was cancelled and no reply came within ${formatSeconds(outcome.graceMs)} (the site may still have revalidated it)`,
    };
  }
  const { status } = outcome;
  const redact = context.redact ?? ((t: string) => t);
  const serverSays = serverMessage(outcome.body, outcome.contentType, redact);
  const suffix = serverSays ? `: ${serverSays}` : '';
  if (status >= 200 && status < 300) {
    // Only the beginning of a reply longer than the cap was read: JSON cut there may still parse
    // (a `{"revalidated": false}` padded with spaces) and say what the whole does not, so only
    // the status speaks.
    if (outcome.cutAtBytes !== undefined) return { action: 'success' };
    const reply = parseJsonReply(outcome.body, outcome.contentType);
    // Exactly `true` or absent: "false", "yes", 0 and null are not a confirmation.
    if (reply && reply.revalidated !== undefined && reply.revalidated !== true) {
      return {
        action: 'fail',
        reason: `HTTP ${status} but the endpoint says revalidated: ${oneLine(JSON.stringify(reply.revalidated), redact, 60)}${suffix}`,
      };
    }
    if (reply && reply.error !== undefined && reply.error !== null && reply.error !== false && reply.error !== '') {
      return { action: 'fail', reason: `HTTP ${status} with an error${suffix}` };
    }
    return { action: 'success' };
  }
  if (status === 401 || status === 403) {
    return {
      action: 'stop-all',
      reason: `HTTP ${status}: the endpoint refused the secret sent in ${context.credentialWhere ?? `the \`${context.secretHeader}\` header`}${suffix}; check ${context.credentialHint ?? 'the `secret` and `secret-header` inputs'} against the site's configuration`,
    };
  }
  if (status >= 300 && status < 400) {
    const where = outcome.location !== undefined ? `to ${clip(withoutCredentials(outcome.location), 300)}` : 'without a Location header';
    const why = outcome.tooManyRedirects
      ? `after ${outcome.redirects} same-origin redirects, stopped`
      : status === 307 || status === 308
        ? 'to another origin, not followed with the secret'
        : 'not followed (only a same-origin 307/308 keeps the POST and the secret safe)';
    return {
      action: 'fail',
      reason: `HTTP ${status} redirect ${where} (${why}): the endpoint is misconfigured; set \`endpoint\` to the final URL`,
    };
  }
  if (RETRYABLE_STATUS.has(status)) {
    const retryAfter = readRetryAfter(outcome.retryAfter, context.now ?? Date.now());
    if (retryAfter?.ignored !== undefined) {
      const shown = oneLine(JSON.stringify(clip(outcome.retryAfter?.trim() ?? '', 40)), redact, 60);
      return { action: 'retry', reason: `HTTP ${status}${suffix}`, note: `Retry-After ${shown} ignored (${retryAfter.ignored})` };
    }
    return { action: 'retry', reason: `HTTP ${status}${suffix}`, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter.ms } : {}) };
  }
  return { action: 'fail', reason: `HTTP ${status}${suffix}` };
}

/** A wait further off than this is no wait a site means: treated as no `Retry-After` at all. */
export const ABSURD_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export type RetryAfter = { ms: number; ignored?: undefined } | { ignored: string };

/**
 * `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). Anything else
 * (negative, decimal, garbage) and any wait more than a day away is ignored, and says why, so
 * the retry falls back to the usual backoff. Undefined when there is no header.
 */
export function readRetryAfter(value: string | undefined, now: number): RetryAfter | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  const garbage = { ignored: 'not delay-seconds or an HTTP date' };
  const absurd = { ignored: 'more than a day away' };
  let ms: number;
  if (/^\d+$/.test(v)) {
    ms = Number(v) * 1000;
  } else {
    // An HTTP date names a weekday; refuse bare numbers with signs or decimals that Date.parse accepts.
    if (!/^[A-Za-z]{3},/.test(v)) return garbage;
    const date = Date.parse(v);
    if (Number.isNaN(date)) return garbage;
    ms = Math.max(0, date - now);
  }
  return ms > ABSURD_RETRY_AFTER_MS ? absurd : { ms };
}

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 10_000 };
/** The longest `Retry-After` the action waits out; a longer one fails the target and says so. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/** The ceiling of the wait before retry number `attempt` (1-based): base·2^(attempt-1), capped. */
export function backoffCeilingMs(attempt: number, options: BackoffOptions): number {
  return Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Exponential backoff with full jitter: a random wait in [0, ceiling). */
export function backoffMs(attempt: number, options: BackoffOptions, random: () => number): number {
  return Math.floor(random() * backoffCeilingMs(attempt, options));
}

export interface BudgetInputs {
  targets: number;
  concurrency: number;
  retries: number;
  timeoutMs: number;
  backoff?: BackoffOptions;
}

/**
 * How long the whole run may take: the first target alone (the others wait for its answer), then
 * the rest spread over `concurrency` lanes, each answered just within `timeout`; plus one target's
 * full retry schedule (each retry's timeout and its longest backoff); plus one timeout to spare.
 * A healthy endpoint finishes far inside it; a stalled one is cut off after it, and the targets
 * not reached by then are reported as such instead of hanging the job.
 */
export function runBudgetMs(inputs: BudgetInputs): number {
  const lanes = Math.max(1, Math.min(inputs.concurrency, inputs.targets));
  const rounds = 1 + Math.ceil(Math.max(0, inputs.targets - 1) / lanes);
  let retrySchedule = 0;
  for (let r = 1; r <= inputs.retries; r++) retrySchedule += inputs.timeoutMs + backoffCeilingMs(r, inputs.backoff ?? DEFAULT_BACKOFF);
  return rounds * inputs.timeoutMs + retrySchedule + inputs.timeoutMs;
}

function parseJsonReply(body: string, contentType: string): Reply | undefined {
  const looksJson = /\bjson\b/i.test(contentType) || /^\s*[{[]/.test(body);
  if (!looksJson) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = replySchema().safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

const MESSAGE_LIMIT = 200;

/** The server's own words, short, on one line and free of the secret: a JSON `error`/`message`, an HTML title, or the text. */
export function serverMessage(body: string, contentType: string, redact: (text: string) => string = (t) => t): string {
  const reply = parseJsonReply(body, contentType);
  let text: string;
  if (reply) {
    const said = reply.error ?? reply.message;
    text =
      typeof said === 'string'
        ? said
        : said === undefined || said === null || said === false
          ? ''
          : (codeAndMessage(said) ?? JSON.stringify(said));
  } else if (/html/i.test(contentType) || /^\s*</.test(body)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
    text = title ? `HTML page "${decodeEntities(title)}"` : 'an HTML page';
  } else {
    text = body;
  }
  return oneLine(text, redact, MESSAGE_LIMIT);
}

/** An API's error object (`{"code": "forbidden", "message": "…"}`, as Vercel sends) as "forbidden: …". */
function codeAndMessage(said: unknown): string | undefined {
  if (typeof said !== 'object' || said === null || Array.isArray(said)) return undefined;
  const { code, message } = said as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return undefined;
  return typeof code === 'string' || typeof code === 'number' ? `${code}: ${message}` : message;
}

/** Server text made safe to show: free of the secret, on one line, at most `limit` characters. */
function oneLine(text: string, redact: (text: string) => string, limit: number): string {
  // Redact before cutting, so a secret straddling the cut cannot leave a prefix behind. Control
  // characters go (and with them any workflow-command or terminal-escape injection).
  const clean = redact(text)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clip(clean, limit);
}

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '');
}

function formatBytes(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

export function formatSeconds(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
