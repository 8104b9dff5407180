/**
 * A receiver that takes fewer connections than the action opens, against the bundled action as a
 * whole process: with `concurrency: 64`, a server that holds at most 4 connections open closes
 * every further one as soon as it accepts it (node:net's `maxConnections`). Sending 64 at a time
 * anyway spends every target's retries on resets; lowering the number in flight (AIMD) gets all
 * of them through.
 */
import { describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction } from '../helpers/action.js';
import { ok, serveFaults } from '../helpers/faulty.js';

const SECRET = 'congestion-secret-5e1f';
const serve = serveFaults();

describe.each(nodeRuntimes())('bundled action under $name', ({ path: node }) => {
  it('300 targets at concurrency 64 against a server taking 4 connections: all revalidated, the window lowered and said so', async () => {
    // Each answer takes 20 ms, as a function revalidating a page would: the 4 connections stay busy.
    const server = await serve((ex) => setTimeout(() => ok(ex), 20), '/api/revalidate', { maxConnections: 4 });
    const tags = Array.from({ length: 300 }, (_, i) => `t${String(i).padStart(3, '0')}`);
    const run = await runAction({
      node,
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
      inputs: { endpoint: server.url, secret: SECRET, tags: tags.join(','), concurrency: '64' },
    });
    const failed = JSON.parse(run.outputs.failed ?? 'null') as unknown[];
    console.info(
      `congestion: ${run.outputs.revalidated} of 300 revalidated, ${failed.length} failed, ${server.dropped()} connections dropped by the server, ${server.requests.length} requests answered`,
    );
    expect(failed).toEqual([]);
    expect(run.outputs.revalidated).toBe('300');
    expect(run.code).toBe(0);
    // Dropped connections never reached the handler: each target was answered exactly once.
    expect(server.requests.map((r) => r.target)).toHaveLength(300);
    expect(new Set(server.requests.map((r) => r.target)).size).toBe(300);
    // Said once per new low, and summed up at the end.
    expect(run.stdout).toMatch(/^the endpoint refused or reset a new connection: sending at most [1-4] requests at a time \(was \d+\)$/m);
    expect(run.stdout).toMatch(
      /^the endpoint refused or reset \d+ new connections, so fewer than `concurrency` \(64\) were sent at a time: as few as [1-4], [1-5] at the end$/m,
    );
  });
});
