/**
 * How many requests may be in flight, sized as TCP sizes its window: slow start, then additive
 * increase, multiplicative decrease (AIMD), between 1 and `concurrency`.
 *
 * - Slow start: the window opens at 1 (the first answer comes before anything else is sent) and
 *   grows by one with each reply, doubling per round, until it reaches `concurrency` or the
 *   endpoint first refuses a connection. A healthy endpoint is at full `concurrency` after
 *   that many replies; one that takes 4 connections is found out after a refusal or two, not
 *   after a burst of 60.
 * - Then each reply adds 1/window (about one more slot per window of replies), and a refused or
 *   reset new connection (the endpoint takes no more) halves it, down to 1.
 * - One halving per burst: a refusal of an attempt that started before the last halving was
 *   sent under the old, larger window and says nothing new.
 *
 * Pure: plain numbers in and out, no clock, no I/O; slots.ts holds requests back by it.
 */
export class AimdWindow {
  private limit: number;
  private slowStart = true;
  /** Attempts started so far; an attempt's number is its sequence. */
  private started = 0;
  /** The first attempt sent under the current window: earlier ones cannot halve it again. */
  private recoverFrom = 0;

  constructor(
    private readonly max: number,
    initial = 1,
  ) {
    this.limit = Math.max(1, Math.min(max, initial));
  }

  /** Requests that may be in flight now. */
  get allowed(): number {
    return Math.floor(this.limit);
  }

  /** Records an attempt as started and returns its sequence number, for `refused`. */
  start(): number {
    return this.started++;
  }

  /** A reply came back: the endpoint took the connection. */
  replied(): void {
    this.limit = Math.min(this.max, this.limit + (this.slowStart ? 1 : 1 / this.limit));
  }

  /**
   * The new connection of the attempt numbered `sequence` was refused or reset before any
   * reply. Returns true when that lowered the window (the first refusal of a burst).
   */
  refused(sequence: number): boolean {
    this.slowStart = false;
    if (sequence < this.recoverFrom || this.limit < 2) return false;
    this.limit /= 2;
    this.recoverFrom = this.started;
    return true;
  }
}
