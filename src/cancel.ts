/**
 * Cancellation of the action's process. The runner stops a cancelled job with SIGINT, then
 * SIGTERM a few seconds later, then kills it: whatever the action has not written by then is
 * lost. So the first of these signals ends the run at once, in order: delivery starts nothing
 * new and gives requests in flight a short grace (send.ts), and any other stage still under way
 * is abandoned shortly after, so the report (outputs, summary, the closing line) is written well
 * before the runner gives up on the process.
 */

/** After the first signal, how long the run may go on before what is still under way is abandoned. */
export const CANCEL_STOP_MS = 1500;

export interface Cancellation {
  /** Aborted on the first SIGINT or SIGTERM, with the signal's name as its reason. */
  signal: AbortSignal;
  /** The signal's name, once one came. */
  readonly reason: string | undefined;
}

/** Listens for SIGINT and SIGTERM for the rest of the process; later signals change nothing. */
export function cancelOnSignals(signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): Cancellation {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) controller.abort(name);
  };
  for (const name of signals) process.on(name, onSignal);
  return {
    signal: controller.signal,
    get reason() {
      return controller.signal.aborted ? String(controller.signal.reason) : undefined;
    },
  };
}

/**
 * `work`'s result, or, once `signal` is aborted, nothing after `stopMs` more: a stage that is
 * still waiting then (a git fetch, an API request) must not hold the report back.
 */
export async function untilCancelled<T>(work: Promise<T>, signal: AbortSignal, stopMs = CANCEL_STOP_MS): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<undefined>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve(undefined), stopMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
