/**
 * Delivery: one POST per target in the endpoint contract, in the targets' order, at most
 * `concurrency` in flight (over kept-alive connections, see http.ts), each attempt
 * bounded by `timeoutMs`, retried per the policy, the whole run bounded by `deadline`.
 * Every target ends in exactly one Delivery, so the report can never lose one.
 *
 * `concurrency` is a ceiling: when the endpoint refuses or resets new connections, fewer are
 * sent at once (slots.ts, aimd.ts), so a receiver that takes fewer connections than we open
 * costs a few retries, not every target's.
 */
import { ACTION_NAMES, SettingError, type Names } from '../inputs.js';
import type { Delivery, Target } from '../types.js';
import { attempt } from './http.js';
import {
  backoffMs,
  DEFAULT_BACKOFF,
  DEFAULT_MAX_RETRY_AFTER_MS,
  formatSeconds,
  runBudgetMs,
  type BackoffOptions,
  type Outcome,
  type Verdict,
} from './policy.js';
import { nextApp } from './receivers/next-app.js';
import type { Receiver } from './receivers/types.js';
import { redactor, secretProblem } from './redact.js';
import { Slots } from './slots.js';
import { TokenBucket } from './bucket.js';

export interface DeliveryOptions {
  endpoint: string;
  secret: string;
  secretHeader: string;
  /** How targets become requests and replies verdicts; `next-app` on `endpoint` when not given. */
  receiver?: Receiver;
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
  sleep?: ((ms: number) => Promise<void>) | undefined;
  now?: () => number;
  /** Called as each target finishes, for live log lines. */
  onDelivery?: (delivery: Delivery) => void;
  /** Per-attempt detail for the debug log; every line is already redacted. */
  debug?: (line: string) => void;
  /** What changed for the whole run (fewer requests at once), for the log. */
  notice?: (line: string) => void;
  /** Aborted (with the signal's name as its reason) when the run is cancelled. */
  signal?: AbortSignal;
  /** After a cancellation, how long requests in flight may still take; then they are cut. */
  graceMs?: number;
  /** How the edge names settings in messages. */
  names?: Names;
}

/**
 * A run's delivery: the run deadline worked out from `timeout`, `retries`, `concurrency` and the
 * number of targets (policy.ts), said in the log before the first request, then `deliver`.
 */
export async function deliverRun(targets: Target[], options: Omit<DeliveryOptions, 'deadline' | 'deadlineNote'>): Promise<Delivery[]> {
  const names = options.names ?? ACTION_NAMES;
  const receiver = receiverOf(options);
  const requests = receiver.chunk(targets).length;
  const rate = receiver.rate;
  // Waiting for the rate limit's tokens is part of the run, not a stall.
  const paced = rate ? Math.ceil((Math.max(0, requests - rate.burst) / rate.perSecond) * 1000) : 0;
  const budget =
    runBudgetMs({
      targets: requests,
      concurrency: options.concurrency,
      retries: options.retries,
      timeoutMs: options.timeoutMs,
    }) + paced;
  const settings = `${names.short('timeout')}, ${names.short('retries')} and ${names.short('concurrency')}`;
  const inRequests = requests === targets.length ? '' : ` in ${requests} request${requests === 1 ? '' : 's'}`;
  const forWhat = `${targets.length} target${targets.length === 1 ? '' : 's'}${inRequests}`;
  const deadlineNote = `${formatSeconds(budget)}, from ${settings}${rate ? ` and the rate limit (${rate.text})` : ''} for ${forWhat}`;
  options.notice?.(`sending ${forWhat}, up to ${options.concurrency} at a time; run deadline ${deadlineNote}`);
  return deliver(targets, { ...options, deadline: (options.now ?? Date.now)() + budget, deadlineNote });
}

/** Requests in flight when the run is cancelled get this long to answer (the runner kills a few seconds later). */
export const CANCEL_GRACE_MS = 1000;

/** Shared state of one run: why sending stopped, and until when everyone holds off. */
interface RunState {
  stopReason?: string;
  /** A `Retry-After` from any target pauses all of them: the limit is the site's, not the target's. */
  pauseUntil: number;
  /** Requests in flight, at most as many as the endpoint's connections bear (AIMD). */
  slots: Slots;
  /** New connections the endpoint refused or reset, and the smallest window that led to. */
  refusals: number;
  lowest: number;
  /** The receiver's documented rate limit, when it has one. */
  bucket?: TokenBucket;
}

/** The receiver of the options: the one given, or the seed's contract on `endpoint`. */
function receiverOf(options: DeliveryOptions): Receiver {
  return options.receiver ?? nextApp({ url: options.endpoint, secret: options.secret, secretHeader: options.secretHeader });
}

/** A request's targets, with where each goes in the results. */
interface Item {
  index: number;
  target: Target;
}

export async function deliver(targets: Target[], options: DeliveryOptions): Promise<Delivery[]> {
  // Settings refuse such a secret already; this guards callers that build options themselves.
  const receiver = receiverOf(options);
  if (options.receiver === undefined) {
    const problem = secretProblem(options.secret, options.secretHeader);
    if (problem !== undefined) throw new SettingError('secret', problem);
  }
  const now = options.now ?? Date.now;
  const results: Delivery[] = new Array(targets.length);
  const redact = redactor(receiver.credential);
  const state: RunState = { pauseUntil: 0, slots: new Slots(options.concurrency), refusals: 0, lowest: options.concurrency };
  if (receiver.rate) state.bucket = new TokenBucket(receiver.rate, now());
  const cancelled = onCancel(options, state);
  // Requests, each a group of targets (one target each for `next-app`), in the targets' order.
  const positions = new Map<Target, number[]>();
  targets.forEach((t, i) => positions.set(t, [...(positions.get(t) ?? []), i]));
  const groups = receiver
    .chunk(targets)
    .map((group) => group.map((target): Item => ({ index: positions.get(target)?.shift() as number, target })));
  // The first request's first answer comes before anything else is sent: a refused secret then
  // costs the site one request, not `concurrency` of them, and the first connection is warm.
  let openGate!: () => void;
  const firstAnswer = new Promise<void>((resolve) => (openGate = resolve));
  let next = 0;
  const worker = async (lane: number, cancelled: Cancelled) => {
    if (lane > 0) await firstAnswer;
    while (next < groups.length) {
      const number = next++;
      const group = groups[number] as Item[];
      const skip = skipReason(state, options, now());
      const deliveries =
        skip !== undefined
          ? group.map((item) => ({ item, delivery: { target: item.target, status: 'skipped' as const, attempts: 0, ms: 0, error: skip } }))
          : await deliverGroup(group, receiver, options, redact, state, cancelled, number === 0 ? openGate : undefined);
      for (const { item, delivery } of deliveries) {
        results[item.index] = delivery;
        options.onDelivery?.(delivery);
      }
    }
    openGate(); // in case there was nothing for lane 0 to open it with
  };
  const lanes = Math.max(1, Math.min(options.concurrency, groups.length));
  try {
    await Promise.all(Array.from({ length: lanes }, (_, lane) => worker(lane, cancelled)));
  } finally {
    cancelled.dispose();
  }
  if (state.refusals > 0) options.notice?.(refusalNotice(state, options));
  return results;
}

/** The run's one line on connections the endpoint refused: how far that brought the window down. */
function refusalNotice(state: RunState, options: DeliveryOptions): string {
  return (
    `the endpoint refused or reset ${state.refusals} new connection${state.refusals === 1 ? '' : 's'}, so fewer than \`concurrency\` (${options.concurrency}) ` +
    `were sent at a time: as few as ${state.lowest}, ${state.slots.window.allowed} at the end`
  );
}

interface Cancelled {
  /** Aborted once the grace after a cancellation is over: requests still in flight are cut. */
  inFlight: AbortSignal;
  /** Resolves at once when the run is cancelled: waits (backoff, Retry-After) end early. */
  sleep(ms: number): Promise<void>;
  dispose(): void;
}

/**
 * A cancelled run starts nothing new: the stop reason is set at once, as a refused secret sets
 * it, so no lane takes another target and no retry is made. Requests in flight get a short grace
 * to answer (a revalidation that happened should be reported as one), then they are cut.
 */
function onCancel(options: DeliveryOptions, state: RunState): Cancelled {
  const { signal } = options;
  const inFlight = new AbortController();
  let grace: ReturnType<typeof setTimeout> | undefined;
  let wake!: () => void;
  const woken = new Promise<void>((r) => (wake = r));
  const cancel = () => {
    state.stopReason ??= `the run was cancelled (${String(signal?.reason)})`;
    wake();
    grace = setTimeout(() => inFlight.abort(), options.graceMs ?? CANCEL_GRACE_MS);
  };
  if (signal?.aborted) cancel();
  else signal?.addEventListener('abort', cancel, { once: true });
  // A wait's timer is cleared when it ends early, so it cannot hold the process open.
  const timerSleep = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      void woken.then(() => {
        clearTimeout(t);
        r();
      });
    });
  return {
    inFlight: inFlight.signal,
    sleep: options.sleep ? (ms) => Promise.race([(options.sleep as (ms: number) => Promise<void>)(ms), woken]) : timerSleep,
    dispose: () => {
      clearTimeout(grace);
      signal?.removeEventListener('abort', cancel);
    },
  };
}

function skipReason(state: RunState, options: DeliveryOptions, now: number): string | undefined {
  if (state.stopReason !== undefined) return `not sent: ${state.stopReason}`;
  if (options.deadline !== undefined && now >= options.deadline) return `not sent: ${deadlineText(options)} was reached first`;
  return undefined;
}

function deadlineText(options: DeliveryOptions): string {
  return `the run deadline${options.deadlineNote ? ` (${options.deadlineNote})` : ''}`;
}

/** One target's attempts so far, for its Delivery and its log lines. */
interface Tally {
  attempts: number;
  /** Attempts turned away by a full endpoint, which do not count against `retries`. */
  turnedAway: number;
  lastStatus: number | undefined;
  /** Why the last attempt is being retried, for when the retry never happens. */
  retrying: string;
  /** What in the replies was not taken at its word, for the target's log line. */
  notes: Set<string>;
}

/**
 * One request's targets to the end: each attempt sends those not yet settled, and each target's
 * own verdict settles it (a batch reply may confirm some and not others). What is left shares the
 * one verdict that decides what happens next, so a one-target request goes exactly as before.
 */
async function deliverGroup(
  group: Item[],
  receiver: Receiver,
  options: DeliveryOptions,
  redact: (text: string) => string,
  state: RunState,
  cancelled: Cancelled,
  afterFirstAttempt: (() => void) | undefined,
): Promise<Array<{ item: Item; delivery: Delivery }>> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = cancelled.sleep;
  const started = now();
  const tally: Tally = { attempts: 0, turnedAway: 0, lastStatus: undefined, retrying: '', notes: new Set() };
  const settled: Array<{ item: Item; delivery: Delivery }> = [];
  const done = (item: Item, status: Delivery['status'], error?: string) => {
    settled.push({ item, delivery: deliveryOf(item.target, tally, Math.max(0, now() - started), redact, status, error) });
  };
  // What is not confirmed yet: a retry resends only these.
  let pending = group;
  const notNow = (why: string) => {
    for (const item of pending) {
      if (tally.attempts === 0) done(item, 'skipped', `not sent: ${why}`);
      else done(item, 'failed', `${tally.retrying}; not retried: ${why}`);
    }
    return settled;
  };
  const judgeContext = {
    secretHeader: options.secretHeader,
    credentialWhere: receiver.credentialWhere,
    credentialHint: receiver.credentialHint,
    redact,
    ...(options.names ? { names: options.names } : {}),
  };

  for (;;) {
    const turn = await waitForTurn(state, options, now, sleep);
    if ('why' in turn) return notNow(turn.why);
    const label = labelOf(pending);
    tally.attempts += 1;
    const sentAt = now();
    const sequence = state.slots.window.start();
    const crowded = state.slots.busy > 1;
    const targets = pending.map((item) => item.target);
    const request = receiver.request(targets);
    const outcome = await attempt({
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: request.body,
      timeoutMs: turn.timeoutMs,
      clippedByDeadline: turn.timeoutMs < options.timeoutMs,
      redact,
      cancel: cancelled.inFlight,
      graceMs: options.graceMs ?? CANCEL_GRACE_MS,
    });
    const windowNote = adjustWindow(state, outcome, sequence, options);
    state.slots.release();
    tally.lastStatus = outcome.kind === 'response' ? outcome.status : undefined;
    const verdicts = receiver.judge(outcome, targets, { ...judgeContext, now: now() });
    const { unsettled, verdict } = settle(pending, verdicts, tally, done);
    const { next, full } = decideStep(verdict, outcome, crowded, tally, options, random, now);
    // Shared state first, then let the other lanes go: they must see a stop or a pause at once.
    shareVerdict(state, verdict, next, tally.lastStatus, receiver, now);
    afterFirstAttempt?.();
    afterFirstAttempt = undefined;
    options.debug?.(
      redact(
        `${label}: attempt ${tally.attempts}: ${describeOutcome(outcome)} in ${now() - sentAt} ms → ${thenText(next, full)}${notedText(verdict.note, windowNote)}`,
      ),
    );

    pending = unsettled;
    if (pending.length === 0) return settled;
    if (next.kind === 'success') {
      for (const item of pending) done(item, 'revalidated');
      return settled;
    }
    if (next.kind === 'fail') {
      for (const item of pending) done(item, 'failed', next.reason);
      return settled;
    }
    tally.retrying = next.reason;
    // A Retry-After wait happens through the shared pause at the top of the loop.
    if (!full && verdict.action === 'retry' && verdict.retryAfterMs === undefined) await sleep(next.waitMs);
  }
}

/**
 * Settles the targets whose own verdict in a several-target request is final; the others (and a
 * one-target request's target) are left with the verdict that decides the next step: a refused
 * secret first, then the first retry.
 */
function settle(
  pending: Item[],
  verdicts: Verdict[],
  tally: Tally,
  done: (item: Item, status: Delivery['status'], error?: string) => void,
): { unsettled: Item[]; verdict: Verdict } {
  if (pending.length === 1) return { unsettled: pending, verdict: verdicts[0] ?? { action: 'success' } };
  const unsettled: Item[] = [];
  let verdict: Verdict = { action: 'success' };
  pending.forEach((item, i) => {
    const v = verdicts[i] ?? { action: 'retry', reason: 'no verdict for it' };
    if (v.action === 'retry') {
      unsettled.push(item);
      if (verdict.action === 'success') verdict = v;
      return;
    }
    if (v.note !== undefined) tally.notes.add(v.note);
    if (v.action === 'success') done(item, 'revalidated');
    else done(item, 'failed', v.reason);
    if (v.action === 'stop-all') verdict = v;
  });
  return { unsettled, verdict };
}

/** What a request carries, for its debug lines. */
function labelOf(items: readonly Item[]): string {
  const first = items[0]?.target;
  const one = first ? `${first.type} ${first.value}` : 'nothing';
  return items.length === 1 ? one : `${items.length} targets (${one}, …)`;
}

/** A target's Delivery once it is done, with the secret redacted from whatever the replies put in it. */
function deliveryOf(
  target: Target,
  tally: Tally,
  ms: number,
  redact: (text: string) => string,
  status: Delivery['status'],
  error: string | undefined,
): Delivery {
  return {
    target,
    status,
    attempts: tally.attempts,
    ms,
    ...(tally.lastStatus !== undefined ? { httpStatus: tally.lastStatus } : {}),
    ...(error !== undefined ? { error: redact(error) } : {}),
    ...(tally.notes.size > 0 ? { notes: [...tally.notes].map(redact) } : {}),
  };
}

/**
 * Waits until this target may send: no pause the site asked for, no stop, a free slot and time
 * left. With a timeout it returns holding the slot; with a reason, the target is not sent (again).
 */
async function waitForTurn(
  state: RunState,
  options: DeliveryOptions,
  now: () => number,
  sleep: (ms: number) => Promise<void>,
): Promise<{ timeoutMs: number } | { why: string }> {
  for (;;) {
    // Hold off while the site asked everyone to (Retry-After seen by any target).
    const pause = state.pauseUntil - now();
    if (pause > 0) {
      if (options.deadline !== undefined && now() + pause >= options.deadline) {
        return { why: `the site asked to pause for ${formatSeconds(pause)}, past ${deadlineText(options)}` };
      }
      await sleep(pause);
    }
    if (state.stopReason !== undefined) return { why: state.stopReason };

    const pauseSeen = state.pauseUntil;
    await state.slots.acquire();
    // While this one waited for a slot, another may have stopped the run or been told to pause.
    if (state.stopReason !== undefined || (state.pauseUntil > pauseSeen && state.pauseUntil > now())) {
      state.slots.release();
      continue;
    }
    const remaining = options.deadline === undefined ? Infinity : options.deadline - now();
    if (remaining <= 0) {
      state.slots.release();
      return { why: `${deadlineText(options)} was reached first` };
    }
    // The receiver's rate limit: wait for a token without holding the slot, then go round again.
    const wait = state.bucket?.take(now()) ?? 0;
    if (wait > 0) {
      state.slots.release();
      if (wait >= remaining) return { why: `the rate limit leaves no room for it before ${deadlineText(options)}` };
      await sleep(wait);
      continue;
    }
    return { timeoutMs: Math.min(options.timeoutMs, remaining) };
  }
}

/**
 * The step after an attempt, and whether it was turned away by a full endpoint: a new connection
 * refused while others were in flight means the endpoint turned away one connection too many, not
 * this request. It goes again once there is room (the halved window is the wait) without using up
 * a retry. Alone in flight, a refusal counts: that bounds the free ones, since the window only
 * grows back through replies.
 */
function decideStep(
  verdict: Verdict,
  outcome: Outcome,
  crowded: boolean,
  tally: Tally,
  options: DeliveryOptions,
  random: () => number,
  now: () => number,
): { next: Step; full: boolean } {
  const full = crowded && outcome.kind === 'network' && outcome.refused === true && verdict.action === 'retry';
  let next: Step;
  if (full) {
    tally.turnedAway += 1;
    tally.notes.add('turned away by a full endpoint and sent again, not counted against `retries`');
    next = { kind: 'retry', reason: verdict.reason, waitMs: 0 };
  } else {
    next = nextStep(verdict, tally.attempts - tally.turnedAway, tally.attempts, options, random, now());
  }
  if (verdict.note !== undefined) tally.notes.add(verdict.note);
  return { next, full };
}

/** What one target's answer means for all of them: a refused secret stops the run, a Retry-After pauses it. */
function shareVerdict(
  state: RunState,
  verdict: Verdict,
  next: Step,
  lastStatus: number | undefined,
  receiver: Receiver,
  now: () => number,
): void {
  if (verdict.action === 'stop-all')
    state.stopReason ??= `the endpoint refused the secret (HTTP ${lastStatus ?? '?'}) sent in ${receiver.credentialWhere}`;
  if (next.kind === 'retry' && verdict.action === 'retry' && verdict.retryAfterMs !== undefined) {
    state.pauseUntil = Math.max(state.pauseUntil, now() + verdict.retryAfterMs);
  }
}

/** What happens next, for an attempt's debug line. */
function thenText(next: Step, full: boolean): string {
  return full
    ? 'sent again when there is room (turned away by a full endpoint: not counted against `retries`)'
    : next.kind === 'retry'
      ? `retry in ${next.waitMs} ms`
      : next.kind;
}

function notedText(...notes: Array<string | undefined>): string {
  return notes
    .filter((n) => n !== undefined)
    .map((n) => ` (${n})`)
    .join('');
}

/**
 * Feeds an attempt's outcome to the window; says so when that lowered it (in the log when to a
 * new low, so an endpoint that the window keeps probing does not fill it).
 */
function adjustWindow(state: RunState, outcome: Outcome, sequence: number, options: DeliveryOptions): string | undefined {
  const { window } = state.slots;
  if (outcome.kind === 'response') {
    window.replied(); // release() then hands out any slot that added
    return undefined;
  }
  if (outcome.kind !== 'network' || !outcome.refused) return undefined;
  state.refusals += 1;
  const before = window.allowed;
  if (!window.refused(sequence)) return undefined;
  const line = `the endpoint refused or reset a new connection: sending at most ${window.allowed} requests at a time (was ${before})`;
  if (window.allowed < state.lowest) options.notice?.(line);
  state.lowest = Math.min(state.lowest, window.allowed);
  return line;
}

type Step = { kind: 'success' } | { kind: 'fail'; reason: string } | { kind: 'retry'; reason: string; waitMs: number };

/**
 * What to do after an attempt, given the verdict and the retry budget: `attempts` counts those
 * that use it, `sent` every one (some may have been turned away by a full endpoint).
 */
function nextStep(verdict: Verdict, attempts: number, sent: number, options: DeliveryOptions, random: () => number, now: number): Step {
  if (verdict.action === 'success') return { kind: 'success' };
  if (verdict.action === 'fail' || verdict.action === 'stop-all') return { kind: 'fail', reason: verdict.reason };
  const maxRetryAfter = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  if (attempts > options.retries) {
    const free = sent > attempts ? `, ${sent - attempts} of them turned away by a full endpoint, which do not count` : '';
    return {
      kind: 'fail',
      reason: `${verdict.reason} (gave up after ${sent} attempt${sent === 1 ? '' : 's'}${free}; ${(options.names ?? ACTION_NAMES).input('retries')} is ${options.retries})`,
    };
  }
  if (verdict.retryAfterMs !== undefined && verdict.retryAfterMs > maxRetryAfter) {
    return {
      kind: 'fail',
      reason: `${verdict.reason}; the server asked to retry after ${formatSeconds(verdict.retryAfterMs)}, longer than the ${formatSeconds(maxRetryAfter)} the action waits`,
    };
  }
  const waitMs = verdict.retryAfterMs ?? backoffMs(attempts, options.backoff ?? DEFAULT_BACKOFF, random);
  if (options.deadline !== undefined && now + waitMs >= options.deadline) {
    return {
      kind: 'fail',
      reason: `${verdict.reason}; not retried: the wait of ${formatSeconds(waitMs)} would pass ${deadlineText(options)}`,
    };
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
    case 'cancelled':
      return 'cut short: the run was cancelled';
  }
}
