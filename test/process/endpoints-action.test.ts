/**
 * Several endpoints in one run (input `endpoints`), through the bundled action as a whole process
 * against servers on 127.0.0.1: every endpoint gets every target, one failing endpoint does not
 * stop the others, each endpoint's secret comes from its own environment variable and is masked,
 * and the outputs, summary and exit status name each endpoint.
 */
import { describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction, visibleLog, type ActionRun } from '../helpers/action.js';
import { type FaultServer, json, ok, serveFaults } from '../helpers/faulty.js';

const serve = serveFaults();
const STAGING = 'staging-secret-Yh3/k&q';
const PRODUCTION = 'production-secret-Pp9+z<w>';

interface FailedEntry {
  type: string;
  value: string;
  status: number | null;
  error: string;
  endpoint?: string;
}
const failed = (run: ActionRun) => JSON.parse(run.outputs.failed ?? 'null') as FailedEntry[];
const bodies = (server: FaultServer) => server.requests.map((r) => JSON.parse(r.body) as unknown);

function dispatch(inputs: Record<string, string>, env: Record<string, string>, node: string) {
  return runAction({ node, eventName: 'workflow_dispatch', event: { inputs: {} }, inputs, env });
}

describe.each(nodeRuntimes())('bundled action under $name, several endpoints', ({ path: node }) => {
  it('staging failing does not stop production; each failure names its endpoint; secrets come from env and are masked', async () => {
    const staging = await serve((ex) => json(ex, 500, { error: 'staging is down' }));
    const production = await serve((ex) => {
      const { targets } = JSON.parse(ex.request.body) as { targets: Array<{ type: string; value: string }> };
      json(ex, 200, { revalidated: true, results: targets.map((t) => ({ ...t, revalidated: true })) });
    });
    const endpoints = [
      `- url: ${staging.url}?token=hidden`,
      '  receiver: next-app',
      '  secret-env: STAGING_SECRET',
      `- url: ${production.url}`,
      '  receiver: batch',
      '  secret-env: PRODUCTION_SECRET',
      '  secret-header: x-prod-secret',
    ].join('\n');
    const run = await dispatch(
      { endpoints, paths: '/, /blog', tags: 'posts', retries: '1' },
      { STAGING_SECRET: STAGING, PRODUCTION_SECRET: PRODUCTION },
      node,
    );

    // Production: one batch with every target, its own header and secret.
    expect(bodies(production)).toEqual([
      {
        targets: [
          { type: 'path', value: '/' },
          { type: 'path', value: '/blog' },
          { type: 'tag', value: 'posts' },
        ],
      },
    ]);
    expect(production.requests[0]?.headers['x-prod-secret']).toBe(PRODUCTION);
    expect(production.requests[0]?.headers['x-revalidation-secret']).toBeUndefined();
    // Staging: one request per target, each tried twice.
    expect(staging.requests).toHaveLength(6);
    expect(staging.requests.every((r) => r.headers['x-revalidation-secret'] === STAGING)).toBe(true);

    expect(run.code).toBe(1);
    expect(run.outputs.revalidated).toBe('3');
    const stagingShown = staging.url; // without its query
    expect(failed(run)).toEqual(
      ['/', '/blog', 'posts'].map((value) => ({
        type: value.startsWith('/') ? 'path' : 'tag',
        value,
        status: 500,
        error: 'HTTP 500: staging is down (gave up after 2 attempts; input `retries` is 1)',
        endpoint: stagingShown,
      })),
    );
    expect(run.stdout).toContain('::error::3 of 6 deliveries (targets × the endpoints that take them) were not revalidated');
    expect(run.summary).toContain('### Endpoints (2)');
    const code = (url: string) => `<code>${url.replace('://', '\\://')}</code>`;
    expect(run.summary).toContain(`| ${code(staging.url)} | next-app | 0 | 3 | 0 | 0 |`);
    expect(run.summary).toContain(`| ${code(production.url)} | batch | 3 | 0 | 0 | 0 |`);
    expect(run.summary).toContain(`| 🏷️ <code>posts</code> at ${code(staging.url)} | ❌ failed | 500 | 2 |`);
    // Masked before anything could print them, and never shown.
    expect(run.stdout).toContain(`::add-mask::${STAGING}`);
    expect(run.stdout).toContain(`::add-mask::${PRODUCTION}`);
    const shown = [visibleLog(run), run.summary, JSON.stringify(run.outputs)].join('\n');
    for (const secret of [STAGING, PRODUCTION, encodeURIComponent(PRODUCTION), 'token=hidden']) expect(shown).not.toContain(secret);
  });

  it('a bad entry is one clear message naming the entry and the key, before anything is read or sent', async () => {
    const server = await serve(ok);
    const endpoints = [
      `- url: ${server.url}`,
      '  secret-env: NOT_SET_ANYWHERE',
      `- url: ${server.url}`,
      '  secret-env: SET',
      '  recevier: batch',
      '- receiver: cloudflare',
      '  secret-env: SET',
    ].join('\n');
    const run = await dispatch({ endpoints, tags: 'a' }, { SET: 'x' }, node);
    expect(run.code).toBe(1);
    expect(server.requests).toEqual([]);
    expect(run.stdout).toContain('3 problems with the inputs');
    expect(run.stdout).toContain(
      "input `endpoints` entry 1: environment variable NOT_SET_ANYWHERE (its `secret-env`) is not set or empty; set it from a repository secret in the step's `env:`",
    );
    expect(run.stdout).toContain('input `endpoints` entry 2: has unknown key `recevier`');
    expect(run.stdout).toContain('input `endpoints` entry 3: `zone` is required for receiver cloudflare');
  });

  it('endpoint and endpoints together are refused', async () => {
    const run = await dispatch(
      { endpoint: 'https://example.com/api', secret: 'a-longer-secret', endpoints: '- url: https://example.com/b', tags: 'a' },
      {},
      node,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('input `endpoints` cannot be used together with `endpoint`; list that endpoint in it too');
  });
});
