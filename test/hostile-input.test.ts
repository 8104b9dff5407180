/**
 * Hostile or careless input, through the bundled action as the runner starts it (issue 11):
 * names built to stall the matcher, a mapping-file that points outside the workspace, YAML
 * bombs and custom tags, site paths with dot segments or a query, and a mapping that fans out
 * into more requests than anyone meant to send.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction } from './helpers/action.js';
import { receivedTargets, startReceiver, type Receiver } from './helpers/receiver.js';

const SECRET = 'hostile-input-secret';

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver({ secret: SECRET });
});
afterEach(async () => {
  await receiver.close();
});

const dispatch = (clientPayload: unknown) => ({ eventName: 'repository_dispatch', event: { action: 'content', client_payload: clientPayload } });

describe.each(nodeRuntimes())('bundled action under $name', ({ path: node }) => {
  it('maps 1,000-character adversarial names against six-capture patterns without stalling', async () => {
    // Each of these took the regex-based matcher longer than the run's timeout below: the
    // run did not finish. Now the whole push maps at once.
    const adversarial = [
      `posts/${'-'.repeat(994)}`,
      `posts/${'-'.repeat(990)}.mdx`,
      `posts/${'a-'.repeat(497)}`,
      `${'-/'.repeat(500)}`.slice(0, 999),
    ];
    const mapping = [
      '- files: posts/[year]-[month]-[day]-[lang]-[slug]-[rev].md',
      '  paths: /[lang]/[year]/[month]/[day]/[slug]',
      '- files: "[...a]-[...b]-[...c]-[...d]-[...e]-[...f]/end"',
      '  tags: "x:[f]"',
    ].join('\n');
    const run = await runAction({
      node,
      ...dispatch({ files: [...adversarial, 'posts/2024-01-02-en-hello-1.md'] }),
      inputs: { endpoint: receiver.url, secret: SECRET, mapping },
      timeoutMs: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(receivedTargets(receiver)).toEqual([{ type: 'path', value: '/en/2024/01/02/hello' }]);
  });
});
