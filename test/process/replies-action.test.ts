/**
 * A reply means what it says, shown on the bundled action as a whole process: a 2xx counts only
 * when its JSON's `revalidated` is absent or exactly `true`; a reply longer than the read cap is
 * judged by its status alone, and the log says so; a `Retry-After` that is not a usable wait is
 * ignored, and the log says what was ignored.
 */
import { describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction, type ActionRun } from '../helpers/action.js';
import { type FaultServer, json, ok, serveFaults } from '../helpers/faulty.js';

const SECRET = 'replies-secret-c0ffee';
const serve = serveFaults();
function dispatch(server: FaultServer, inputs: Record<string, string>, node: string) {
  return runAction({
    node,
    eventName: 'workflow_dispatch',
    event: { inputs: {} },
    inputs: { endpoint: server.url, secret: SECRET, ...inputs },
  });
}
const failed = (run: ActionRun) =>
  JSON.parse(run.outputs.failed ?? 'null') as Array<{ value: string; status: number | null; error: string }>;
const line = (run: ActionRun, tag: string) => run.stdout.split('\n').find((l) => new RegExp(`^[✓✗–] tag ${tag} `).test(l));
const CAP = 64 * 1024;

describe.each(nodeRuntimes())('bundled action under $name', ({ path: node }) => {
  it('a 2xx whose revalidated is not exactly true fails, with the server’s words', async () => {
    const replies: Record<string, unknown> = {
      'string-false': { revalidated: 'false', message: 'queued, not done' },
      yes: { revalidated: 'yes' },
      zero: { revalidated: 0, error: null },
      null: { revalidated: null, message: 'Tag\nunknown' },
      one: { revalidated: 1 },
      'string-true': { revalidated: 'true' },
      object: { revalidated: { done: true } },
      'false-bool': { revalidated: false },
      true: { revalidated: true, now: 1 },
      absent: { now: 1 },
    };
    const server = await serve((ex) => json(ex, 200, replies[ex.request.target.slice('tag '.length)]));
    const run = await dispatch(server, { tags: Object.keys(replies).join(',') }, node);
    expect(run.code).toBe(1);
    expect(run.outputs.revalidated).toBe('2');
    expect(failed(run)).toEqual([
      { type: 'tag', value: 'false-bool', status: 200, error: 'HTTP 200 but the endpoint says revalidated: false' },
      { type: 'tag', value: 'null', status: 200, error: 'HTTP 200 but the endpoint says revalidated: null: Tag unknown' },
      { type: 'tag', value: 'object', status: 200, error: 'HTTP 200 but the endpoint says revalidated: {"done":true}' },
      { type: 'tag', value: 'one', status: 200, error: 'HTTP 200 but the endpoint says revalidated: 1' },
      { type: 'tag', value: 'string-false', status: 200, error: 'HTTP 200 but the endpoint says revalidated: "false": queued, not done' },
      { type: 'tag', value: 'string-true', status: 200, error: 'HTTP 200 but the endpoint says revalidated: "true"' },
      { type: 'tag', value: 'yes', status: 200, error: 'HTTP 200 but the endpoint says revalidated: "yes"' },
      { type: 'tag', value: 'zero', status: 200, error: 'HTTP 200 but the endpoint says revalidated: 0' },
    ]);
  });

  it('a reply over the read cap is judged by its status alone, and the log says so', async () => {
    const server = await serve((ex) => {
      const { target } = ex.request;
      ex.res.writeHead(target === 'tag huge-500' ? 500 : 200, { 'content-type': 'application/json' });
      // Valid JSON once cut at the cap: what follows the object is whitespace.
      if (target === 'tag padded-false') return ex.res.end(`{"revalidated": false}${' '.repeat(CAP)}`);
      if (target === 'tag exactly-cap') return ex.res.end(`{"revalidated": false}`.padEnd(CAP, ' '));
      if (target === 'tag huge-500') return ex.res.end(`{"error": "${'e'.repeat(CAP)}"}`);
      ex.res.end(`{"revalidated": true, "pad": "${'x'.repeat(2 * CAP)}"}`);
    });
    const run = await dispatch(server, { tags: 'padded-false, exactly-cap, huge-200, huge-500', retries: '0' }, node);
    const note = 'reply longer than the 64 KiB read cap: judged by its HTTP status alone';
    expect(line(run, 'padded-false')).toMatch(new RegExp(`^✓ tag padded-false HTTP 200 \\(1 attempt, \\d+ ms\\) — ${note}$`));
    expect(line(run, 'huge-200')).toMatch(new RegExp(`^✓ tag huge-200 HTTP 200 \\(1 attempt, \\d+ ms\\) — ${note}$`));
    // Exactly at the cap is not longer than it: read whole, and its JSON counts.
    expect(line(run, 'exactly-cap')).toMatch(
      /^✗ tag exactly-cap HTTP 200 \(1 attempt, \d+ ms\): HTTP 200 but the endpoint says revalidated: false$/,
    );
    expect(line(run, 'huge-500')).toMatch(new RegExp(`^✗ tag huge-500 HTTP 500 .*— ${note}$`));
    expect(run.outputs.revalidated).toBe('2');
    expect(failed(run).map((f) => [f.value, f.status])).toEqual([
      ['exactly-cap', 200],
      ['huge-500', 500],
    ]);
  });

  it('a Retry-After that is negative, absurd or garbage is ignored (backoff instead), and the log says what was ignored', async () => {
    const given: Record<string, string> = {
      negative: '-5',
      absurd: '1'.repeat(40),
      garbage: 'soon',
      decimal: '1.5',
      'bad-date': 'Thu, 99 Foo 2026 99:00:00 GMT',
      far: 'Fri, 01 Jan 2100 00:00:00 GMT',
    };
    const server = await serve((ex) => {
      const name = ex.request.target.slice('tag '.length);
      if (ex.request.nth === 1) return json(ex, name.length % 2 === 0 ? 429 : 503, { error: 'busy' }, { 'retry-after': given[name] ?? '' });
      ok(ex);
    });
    const run = await dispatch(server, { tags: Object.keys(given).join(','), retries: '1' }, node);
    expect(run.code).toBe(0);
    expect(run.outputs.revalidated).toBe('6');
    expect(server.requests).toHaveLength(12);
    const why: Record<string, string> = {
      negative: 'not delay-seconds or an HTTP date',
      absurd: 'more than a day away',
      garbage: 'not delay-seconds or an HTTP date',
      decimal: 'not delay-seconds or an HTTP date',
      'bad-date': 'not delay-seconds or an HTTP date',
      far: 'more than a day away',
    };
    for (const [name, value] of Object.entries(given)) {
      const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
      expect(line(run, name)).toMatch(
        new RegExp(`^✓ tag ${name} HTTP 200 \\(2 attempts, \\d+ ms\\) — Retry-After ${escape(shown)} ignored \\(${why[name]}\\)$`),
      );
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
