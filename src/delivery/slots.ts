/**
 * Slots for requests in flight, as many as the AIMD window allows at the moment. A request
 * waits for a slot in arrival order; a slot freed, or a window grown, goes to the longest
 * waiting one. When the window shrinks, requests already in flight finish and no new one starts
 * until the count is below it.
 */
import { AimdWindow } from './aimd.js';

export class Slots {
  readonly window: AimdWindow;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(max: number) {
    this.window = new AimdWindow(max);
  }

  /** How many requests are in flight now. */
  get busy(): number {
    return this.inFlight;
  }

  /** Resolves once a slot is this caller's; pair every call with one `release`. */
  acquire(): Promise<void> {
    if (this.waiting.length === 0 && this.inFlight < this.window.allowed) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
    });
  }

  release(): void {
    this.inFlight -= 1;
    this.pump();
  }

  /** Hands free slots to the waiting requests, oldest first (call after the window grew). */
  pump(): void {
    while (this.waiting.length > 0 && this.inFlight < this.window.allowed) {
      this.inFlight += 1;
      (this.waiting.shift() as () => void)();
    }
  }
}
