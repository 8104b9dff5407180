/** The window of requests in flight (AIMD) and the slots that hold requests to it: plain values, no network. */
import { describe, expect, it } from 'vitest';
import { AimdWindow } from '../../src/delivery/aimd.js';
import { Slots } from '../../src/delivery/slots.js';

/** Sends one round: `n` attempts, returning their sequence numbers. */
const round = (w: AimdWindow, n = w.allowed) => Array.from({ length: n }, () => w.start());
const replies = (w: AimdWindow, n: number) => {
  for (let i = 0; i < n; i++) w.replied();
};

describe('AimdWindow', () => {
  it('slow start: opens at 1 and grows by one per reply, up to the ceiling', () => {
    const w = new AimdWindow(64);
    expect(w.allowed).toBe(1);
    const seen = [w.allowed];
    for (let i = 0; i < 70; i++) {
      w.replied();
      seen.push(w.allowed);
    }
    expect(seen.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(seen[63]).toBe(64);
    expect(Math.max(...seen)).toBe(64);
  });

  it('can open elsewhere, and never outside 1..max', () => {
    expect(new AimdWindow(8, 4).allowed).toBe(4);
    expect(new AimdWindow(8, 100).allowed).toBe(8);
    expect(new AimdWindow(8, 0).allowed).toBe(1);
  });

  it('halves once per burst: refusals of attempts sent before the halving say nothing new', () => {
    const w = new AimdWindow(64, 64);
    const burst = round(w); // 64 attempts under the window of 64
    expect(w.refused(burst[10] as number)).toBe(true);
    expect(w.allowed).toBe(32);
    for (const s of burst.slice(11)) expect(w.refused(s)).toBe(false);
    expect(w.allowed).toBe(32);
    // An attempt sent after the halving, refused too: the smaller window is still too big.
    const next = round(w, 1);
    expect(w.refused(next[0] as number)).toBe(true);
    expect(w.allowed).toBe(16);
  });

  it('after a refusal, grows by about one per window of replies (additive increase)', () => {
    const w = new AimdWindow(64, 16);
    expect(w.refused(w.start())).toBe(true);
    expect(w.allowed).toBe(8);
    replies(w, 8);
    expect(w.allowed).toBe(8); // 8 + 8 × 1/8…, just under 9 by rounding down
    replies(w, 1);
    expect(w.allowed).toBe(9);
    replies(w, 9);
    expect(w.allowed).toBe(10);
    // No more slow start: a refusal ends it for the run.
    replies(w, 100);
    expect(w.allowed).toBeLessThan(20);
  });

  it('never goes below 1', () => {
    const w = new AimdWindow(4, 4);
    for (let i = 0; i < 10; i++) w.refused(w.start());
    expect(w.allowed).toBe(1);
    expect(w.refused(w.start())).toBe(false);
    expect(w.allowed).toBe(1);
  });

  it('settles just under what an endpoint that takes 4 connections bears', () => {
    // A model of the receiver: an attempt beyond the 4th at once is refused.
    const w = new AimdWindow(64);
    const windows: number[] = [];
    let refusedCount = 0;
    for (let r = 0; r < 200; r++) {
      const sent = round(w);
      windows.push(sent.length);
      sent.slice(0, 4).forEach(() => w.replied());
      for (const s of sent.slice(4)) {
        refusedCount += 1;
        w.refused(s);
      }
    }
    expect(Math.max(...windows)).toBeLessThanOrEqual(8); // slow start overshoots to 8 at most once
    expect(windows.slice(10).every((n) => n >= 2 && n <= 5)).toBe(true);
    // 200 rounds, ~600 replies: a refusal about every 3 rounds once settled.
    expect(refusedCount).toBeLessThan(200 / 2);
  });
});

describe('Slots', () => {
  it('hands out as many slots as the window allows, oldest waiter first', async () => {
    const slots = new Slots(3);
    slots.window.replied();
    slots.window.replied(); // slow start: 1 → 3
    const order: string[] = [];
    const take = (name: string) => slots.acquire().then(() => order.push(name));
    const all = ['a', 'b', 'c', 'd', 'e'].map(take);
    await Promise.resolve();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(slots.busy).toBe(3);
    slots.release();
    await all[3];
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    slots.release();
    await all[4];
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(slots.busy).toBe(3);
  });

  it('when the window shrinks, no new request starts until the count is below it', async () => {
    const slots = new Slots(4);
    for (let i = 0; i < 3; i++) slots.window.replied(); // 4
    for (let i = 0; i < 4; i++) await slots.acquire();
    slots.window.refused(slots.window.start()); // 4 → 2
    let started = false;
    const waiting = slots.acquire().then(() => (started = true));
    slots.release(); // 3 in flight
    slots.release(); // 2 in flight: still not below 2
    await Promise.resolve();
    expect(started).toBe(false);
    slots.release(); // 1 in flight
    await waiting;
    expect(started).toBe(true);
    expect(slots.busy).toBe(2);
  });

  it('a grown window lets waiting requests go on pump()', async () => {
    const slots = new Slots(4);
    await slots.acquire();
    let started = 0;
    const waiting = [slots.acquire(), slots.acquire()].map((p) => p.then(() => (started += 1)));
    await Promise.resolve();
    expect(started).toBe(0);
    slots.window.replied(); // 1 → 2
    slots.pump();
    await waiting[0];
    expect(started).toBe(1);
  });
});
