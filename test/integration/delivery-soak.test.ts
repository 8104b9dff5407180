/**
 * Soak: 2,000 targets against a server that fails a seeded-random 30% of attempts with
 * retryable faults (503, 500, 502 HTML, 429 with Retry-After: 0, a reset before any reply).
 * Whether an attempt fails depends only on (seed, target, attempt number), not on arrival order,
 * so the exact number of attempts is known in advance.
 */
import { afterEach, expect, it } from 'vitest';
import { deliver } from '../../src/delivery/send.js';
import type { Target } from '../../src/types.js';
import { hashUnit, html, json, ok, reset, startFaultServer, type Exchange, type FaultServer } from '../helpers/faulty.js';

const SEED = 20_260_101;
const FAIL_RATE = 0.3;
const TARGETS = 2000;
const CONCURRENCY = 8;

let server: FaultServer | undefined;
afterEach(async () => server?.close());

const fails = (target: string, nth: number) => hashUnit(`${target}#${nth}`, SEED) < FAIL_RATE;
const FAULTS: Array<(ex: Exchange) => void> = [
  (ex) => json(ex, 503, { error: 'cold start' }),
  (ex) => json(ex, 500, { error: 'Failed to revalidate' }),
  (ex) => html(ex, 502, '502 Bad Gateway'),
  (ex) => json(ex, 429, { error: 'slow down' }, { 'retry-after': '0' }),
  reset,
];

it(`soak: ${TARGETS} targets, ${FAIL_RATE * 100}% of attempts failing, all revalidated, none twice, at most ${CONCURRENCY} in flight`, async () => {
  const history = new Map<string, string[]>();
  let resets = 0;
  server = await startFaultServer((ex) => {
    const { target, nth } = ex.request;
    const failing = fails(target, nth);
    history.set(target, [...(history.get(target) ?? []), failing ? 'fail' : 'ok']);
    const answer = failing ? (FAULTS[Math.floor(hashUnit(`${target}#${nth}/kind`, SEED) * FAULTS.length)] as (ex: Exchange) => void) : ok;
    if (answer === reset) resets += 1;
    // Answer a moment later, as a real function would, so that requests overlap in flight.
    setTimeout(() => answer(ex), 1);
  });
  const targets: Target[] = Array.from({ length: TARGETS }, (_, i) => ({
    type: i % 3 === 0 ? 'tag' : 'path',
    value: i % 3 === 0 ? `tag-${i}` : `/posts/${i}`,
    sources: [`content/${i}.md`],
  }));
  // The attempts each target needs follow from the seed alone.
  const expectedAttempts = targets.map((t) => {
    let n = 1;
    while (fails(`${t.type} ${t.value}`, n)) n++;
    return n;
  });
  expect(Math.max(...expectedAttempts)).toBeLessThanOrEqual(11); // within retries: 10

  const started = performance.now();
  const result = await deliver(targets, {
    endpoint: server.url,
    secret: 'soak-secret',
    secretHeader: 'x-revalidation-secret',
    concurrency: CONCURRENCY,
    retries: 10,
    timeoutMs: 10_000,
    backoff: { baseMs: 1, capMs: 4 },
  });
  const ms = Math.round(performance.now() - started);

  expect(result.map((d) => d.status)).toEqual(Array(TARGETS).fill('revalidated'));
  expect(result.map((d) => d.target)).toEqual(targets);
  expect(result.map((d) => d.attempts)).toEqual(expectedAttempts);
  // Per target the server saw failures, then exactly one success, and nothing after it.
  for (const [i, t] of targets.entries()) {
    const seen = history.get(`${t.type} ${t.value}`) ?? [];
    expect(seen).toEqual([...Array((expectedAttempts[i] as number) - 1).fill('fail'), 'ok']);
  }
  const attempts = server.requests.length;
  expect(attempts).toBe(expectedAttempts.reduce((a, b) => a + b, 0));
  expect(server.maxInFlight()).toBeLessThanOrEqual(CONCURRENCY);
  expect(server.maxInFlight()).toBe(CONCURRENCY); // the bound is reached, and held
  // Kept alive: a new connection only to start each lane and to replace one the server dropped.
  expect(server.connections()).toBeLessThanOrEqual(CONCURRENCY + resets);

  const failures = attempts - TARGETS;
  console.info(
    `soak: ${TARGETS} targets, ${attempts} attempts (${failures} failed, ${((failures / attempts) * 100).toFixed(1)}%), ` +
      `max ${Math.max(...expectedAttempts)} for one target, max in flight ${server.maxInFlight()} of ${CONCURRENCY}, ` +
      `${server.connections()} connections (${resets} dropped by resets), ${ms} ms`,
  );
});
