/**
 * Configuration that cannot clobber the request, shown on the bundled action as a whole process:
 * a `secret-header` that HTTP itself uses is refused before anything is sent, and the clear-text
 * warning decides "this machine" from the parsed host, not from how the name begins.
 */
import { describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction, visibleLog } from '../helpers/action.js';
import { ok, serveFaults } from '../helpers/faulty.js';

const SECRET = 'request-config-secret-41c';
const serve = serveFaults();

/** A push of a tag: nothing is sent, so an endpoint that does not resolve costs no time. */
const tagPush = { ref: 'refs/tags/v1.0.0', before: '0'.repeat(40), after: 'a'.repeat(40), created: true, deleted: false };

describe.each(nodeRuntimes())('bundled action under $name', ({ path: node }) => {
  it.each([
    'Content-Length',
    'content-type',
    'Transfer-Encoding',
    'host',
    'Connection',
    'expect',
    'upgrade',
    'TE',
    'trailer',
    'keep-alive',
    'Proxy-Authorization',
    'proxy-x',
  ])('refuses secret-header %s before sending anything', async (header) => {
    const server = await serve(ok);
    const run = await runAction({
      node,
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
      inputs: { endpoint: server.url, secret: SECRET, 'secret-header': header, tags: 'a, b' },
    });
    expect(server.requests).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `::error::input \`secret-header\` must not be a header HTTP itself uses (content-type, content-length, transfer-encoding, host, connection, expect, upgrade, te, trailer, keep-alive, proxy-*); pick your own name such as x-revalidation-secret (got "${header}")`,
    );
    expect(visibleLog(run)).not.toContain(SECRET);
  });

  it('refuses a secret-header that is not a header name', async () => {
    const run = await runAction({
      node,
      eventName: 'push',
      event: tagPush,
      inputs: { endpoint: 'https://site.test/api', secret: SECRET, 'secret-header': 'x secret: 1' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::input `secret-header` must be an HTTP header name such as x-revalidation-secret (got "x secret: 1")',
    );
  });

  it('sends a header HTTP does not use, lower-cased', async () => {
    const server = await serve(ok);
    const run = await runAction({
      node,
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
      inputs: { endpoint: server.url, secret: SECRET, 'secret-header': 'X-Proxyish-Token', tags: 'a' },
    });
    expect(run.code).toBe(0);
    expect(server.requests.map((r) => r.headers['x-proxyish-token'])).toEqual([SECRET]);
  });

  const warning = (origin: string) => `::warning::endpoint ${origin} is plain http://: the secret travels in clear text; use https://`;
  it.each([
    ['http://127.0.0.1.evil.example/api', 'http://127.0.0.1.evil.example'],
    ['http://127.evil.example/api', 'http://127.evil.example'],
    ['http://localhost.evil.example/api', 'http://localhost.evil.example'],
    ['http://10.0.0.1/api', 'http://10.0.0.1'],
    ['http://[::ffff:7f00:1]/api', 'http://[::ffff:7f00:1]'],
    ['http://[::2]/api', 'http://[::2]'],
    ['http://site.test/api', 'http://site.test'],
  ])('warns that %s is clear text', async (endpoint, origin) => {
    const run = await runAction({ node, eventName: 'push', event: tagPush, inputs: { endpoint, secret: SECRET } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(warning(origin));
  });

  it.each([
    'http://localhost:3000/api',
    'http://LOCALHOST/api',
    'http://127.0.0.1:8080/api',
    'http://127.255.0.9/api',
    'http://0x7f.1/api',
    'http://[::1]:3000/api',
    'https://site.test/api',
  ])('does not warn about %s (this machine, or https)', async (endpoint) => {
    const run = await runAction({ node, eventName: 'push', event: tagPush, inputs: { endpoint, secret: SECRET } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('nothing to revalidate');
    expect(run.stdout).not.toContain('::warning::');
  });
});
