/**
 * A token bucket for a receiver's documented rate limit: `burst` requests at once, then one more
 * each 1/`perSecond` seconds. Pure: the caller passes the time, so the pacing is tested without a clock.
 */
import type { RateLimit } from './receivers/types.js';

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: Pick<RateLimit, 'perSecond' | 'burst'>,
    now: number,
  ) {
    this.tokens = rate.burst;
    this.at = now;
  }

  /** Takes a token and returns 0, or returns how many ms until one is there (taking none). */
  take(now: number): number {
    this.tokens = Math.min(this.rate.burst, this.tokens + (Math.max(0, now - this.at) / 1000) * this.rate.perSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.rate.perSecond) * 1000));
  }
}
