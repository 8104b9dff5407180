/**
 * Delivery: one POST per target in the endpoint contract, in the targets' order, at most
 * `concurrency` in flight (over kept-alive connections, see http.ts), each attempt
 * bounded by `timeoutMs`, retried per the policy, the whole run bounded by `deadline`.
 * Every target ends in exactly one Delivery, so the report can never lose one.
 */
import type { Delivery, Target } from '../types.js';
import { attempt } from './http.js';
import {
  backoffMs,
  DEFAULT_BACKOFF,
  DEFAULT_MAX_RETRY_AFTER_MS,
  formatSeconds,
  judge,
  type BackoffOptions,
  type Outcome,
  type Verdict,
} from './policy.js';
import { headerValue, redactor, secretProblem } from './redact.js';

export interface DeliveryOptions {
  endpoint: string;
  secret: string;
  secretHeader: string;
  concurrency: number;
  retries: number;
  timeoutMs: number;
  /** Absolute time (ms since epoch, on `now`'s clock) after which no attempt starts or runs on. */
  deadline?: number;
  /** How the deadline came about, for the messages of the targets it stops. */
  deadlineNote?: string;
  backoff?: BackoffOptions;
  /** The longest `Retry-After` the action waits out; a longer one fails the target and says so. */
  maxRetryAfterMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called as each target finishes, for live log lines. */
  onDelivery?: (delivery: Delivery) => void;
  /** Per-attempt detail for the debug log; every line is already redacted. */
  debug?: (line: string) => void;
}

/** Shared state of one run: why sending stopped, and until when everyone holds off. */
interface RunState {
  stopReason?: string;
  /** A `Retry-After` from any target pauses all of them: the limit is the site's, not the target's. */
  pauseUntil: number;
}

export async function deliver(targets: Target[], options: DeliveryOptions): Promise<Delivery[]> {
  const problem = secretProblem(options.secret, options.secretHeader);
  if (problem !== undefined) throw new Error(problem);
  const now = options.now ?? Date.now;
  const results: Delivery[] = new Array(targets.length);
  const redact = redactor(options.secret);
  const state: RunState = { pauseUntil: 0 };
  // The first target's first answer comes before anything else is sent: a refused secret then
  // costs the site one request, not `concurrency` of them, and the first connection is warm.
  let openGate!: () => void;
  const firstAnswer = new Promise<void>((resolve) => (openGate = resolve));
  let next = 0;
  const worker = async (lane: number) => {
    if (lane > 0) await firstAnswer;
    while (next < targets.length) {
      const index = next++;
      const target = targets[index] as Target;
      const skip = skipReason(state, options, now());
      const delivery = skip !== undefined
        ? { target, status: 'skipped' as const, attempts: 0, ms: 0, error: skip }
        : await deliverOne(target, options, redact, state, index === 0 ? openGate : undefined);
      results[index] = delivery;
      options.onDelivery?.(delivery);
    }
    openGate(); // in case there was nothing for lane 0 to open it with
  };
  const lanes = Math.max(1, Math.min(options.concurrency, targets.length));
  await Promise.all(Array.from({ length: lanes }, (_, lane) => worker(lane)));
  return results;
}

function skipReason(state: RunState, options: DeliveryOptions, now: number): string | undefined {
  if (state.stopReason !== undefined) return `not sent: ${state.stopReason}`;
  if (options.deadline !== undefined && now >= options.deadline) return `not sent: ${deadlineText(options)} was reached first`;
  return undefined;
}

function deadlineText(options: DeliveryOptions): string {
  return `the run deadline${options.deadlineNote ? ` (${options.deadlineNote})` : ''}`;
}

async function deliverOne(
  target: Target,
  options: DeliveryOptions,
  redact: (text: string) => string,
  state: RunState,
  afterFirstAttempt: (() => void) | undefined,
): Promise<Delivery> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  const label = `${target.type} ${target.value}`;
  let attempts = 0;
  let lastStatus: number | undefined;
  /** Why the last attempt is being retried, for when the retry never happens. */
  let retrying = '';
  /** What in the replies was not taken at its word, for the target's log line. */
  const notes = new Set<string>();
  const notNow = (why: string): Delivery => (attempts === 0 ? done('skipped', `not sent: ${why}`) : done('failed', `${retrying}; not retried: ${why}`));
  const done = (status: Delivery['status'], error?: string): Delivery => ({
    target,
    status,
    attempts,
    ms: Math.max(0, now() - started),
    ...(lastStatus !== undefined ? { httpStatus: lastStatus } : {}),
    ...(error !== undefined ? { error: redact(error) } : {}),
    ...(notes.size > 0 ? { notes: [...notes].map(redact) } : {}),
  });
  const headers = { 'content-type': 'application/json', 'user-agent': 'isr-revalidate', [options.secretHeader]: headerValue(options.secret) };
  const body = JSON.stringify({ type: target.type, value: target.value });

  for (;;) {
    // Hold off while the site asked everyone to (Retry-After seen by any target).
    const pause = state.pauseUntil - now();
    if (pause > 0) {
      if (options.deadline !== undefined && now() + pause >= options.deadline) {
        return notNow(`the site asked to pause for ${formatSeconds(pause)}, past ${deadlineText(options)}`);
      }
      await sleep(pause);
    }
    if (state.stopReason !== undefined) return notNow(state.stopReason);

    const remaining = options.deadline === undefined ? Infinity : options.deadline - now();
    if (remaining <= 0) return notNow(`${deadlineText(options)} was reached first`);
    const timeoutMs = Math.min(options.timeoutMs, remaining);
    attempts += 1;
    const sentAt = now();
    const outcome = await attempt({
      url: options.endpoint,
      headers,
      body,
      timeoutMs,
      clippedByDeadline: timeoutMs < options.timeoutMs,
      redact,
    });
    lastStatus = outcome.kind === 'response' ? outcome.status : undefined;
    const verdict = judge(outcome, { secretHeader: options.secretHeader, redact, now: now() });
    const next = nextStep(verdict, attempts, options, random, now());
    if (verdict.note !== undefined) notes.add(verdict.note);
    // Shared state first, then let the other lanes go: they must see a stop or a pause at once.
    if (verdict.action === 'stop-all') state.stopReason ??= `the endpoint refused the secret (HTTP ${lastStatus ?? '?'}) sent in the \`${options.secretHeader}\` header`;
    if (next.kind === 'retry' && verdict.action === 'retry' && verdict.retryAfterMs !== undefined) {
      state.pauseUntil = Math.max(state.pauseUntil, now() + verdict.retryAfterMs);
    }
    afterFirstAttempt?.();
    afterFirstAttempt = undefined;
    const noted = verdict.note !== undefined ? ` (${verdict.note})` : '';
    options.debug?.(redact(`${label}: attempt ${attempts}: ${describeOutcome(outcome)} in ${now() - sentAt} ms → ${next.kind === 'retry' ? `retry in ${next.waitMs} ms` : next.kind}${noted}`));

    if (next.kind === 'success') return done('revalidated');
    if (next.kind === 'fail') return done('failed', next.reason);
    retrying = next.reason;
    // A Retry-After wait happens through the shared pause at the top of the loop.
    if (verdict.action === 'retry' && verdict.retryAfterMs === undefined) await sleep(next.waitMs);
  }
}

type Step = { kind: 'success' } | { kind: 'fail'; reason: string } | { kind: 'retry'; reason: string; waitMs: number };

/** What to do after an attempt, given the verdict and the retry budget. */
function nextStep(verdict: Verdict, attempts: number, options: DeliveryOptions, random: () => number, now: number): Step {
  if (verdict.action === 'success') return { kind: 'success' };
  if (verdict.action === 'fail' || verdict.action === 'stop-all') return { kind: 'fail', reason: verdict.reason };
  const maxRetryAfter = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  if (attempts > options.retries) {
    return { kind: 'fail', reason: `${verdict.reason} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}; input \`retries\` is ${options.retries})` };
  }
  if (verdict.retryAfterMs !== undefined && verdict.retryAfterMs > maxRetryAfter) {
    return {
      kind: 'fail',
      reason: `${verdict.reason}; the server asked to retry after ${formatSeconds(verdict.retryAfterMs)}, longer than the ${formatSeconds(maxRetryAfter)} the action waits`,
    };
  }
  const waitMs = verdict.retryAfterMs ?? backoffMs(attempts, options.backoff ?? DEFAULT_BACKOFF, random);
  if (options.deadline !== undefined && now + waitMs >= options.deadline) {
    return { kind: 'fail', reason: `${verdict.reason}; not retried: the wait of ${formatSeconds(waitMs)} would pass ${deadlineText(options)}` };
  }
  return { kind: 'retry', reason: verdict.reason, waitMs };
}

function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'response': {
      const extras = [
        outcome.contentType && `content-type ${outcome.contentType}`,
        outcome.retryAfter !== undefined && `retry-after ${outcome.retryAfter}`,
        outcome.location !== undefined && `location ${outcome.location}`,
        outcome.redirects > 0 && `after ${outcome.redirects} redirect(s)`,
      ].filter(Boolean);
      // eslint-disable-next-line no-control-regex
      const snippet = outcome.body.slice(0, 300).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
      return `HTTP ${outcome.status}${extras.length ? ` (${extras.join(', ')})` : ''}, ${outcome.body.length} chars${snippet ? `: ${snippet}` : ''}`;
    }
    case 'network':
      return `network error ${outcome.message}`;
    case 'timeout':
      return `timed out after ${outcome.ms} ms`;
    case 'deadline':
      return 'cut short by the run deadline';
  }
}
