/**
 * Hostile or careless input, through the bundled action as the runner starts it (issue 11):
 * names built to stall the matcher, a mapping-file that points outside the workspace, YAML
 * bombs and custom tags, site paths with dot segments or a query, and a mapping that fans out
 * into more requests than anyone meant to send.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeRuntimes, runAction } from '../helpers/action.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { receivedTargets, startReceiver, type Receiver } from '../helpers/receiver.js';

const SECRET = 'hostile-input-secret';

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver({ secret: SECRET });
});
afterEach(async () => {
  await receiver.close();
});

const dispatch = (clientPayload: unknown) => ({
  eventName: 'repository_dispatch',
  event: { action: 'content', client_payload: clientPayload },
});

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

  describe('mapping-file stays inside the workspace', () => {
    /** A repository whose push would send the tag `extra`; `outside` holds rules that must not be read. */
    function setup() {
      const outside = tempDir('isr-outside-');
      writeFileSync(join(outside, 'rules.yml'), '- files: "**"\n  tags: read-from-outside\n');
      const repo = TestRepo.create();
      mkdirSync(join(repo.dir, 'rules'));
      writeFileSync(join(repo.dir, 'rules/real.yml'), '- files: "**"\n  tags: inside\n');
      symlinkSync(join(outside, 'rules.yml'), join(repo.dir, 'escape.yml'));
      symlinkSync('rules/real.yml', join(repo.dir, 'inside.yml'));
      repo.commit('rules, and a symlink pointing out of the repository');
      return { outside, repo };
    }
    const inputs = (mappingFile: string) => ({ endpoint: receiver.url, secret: SECRET, 'mapping-file': mappingFile, tags: 'extra' });

    it('refuses ../, an absolute path outside and a committed symlink out, naming the input and the real path', async () => {
      const { outside, repo } = setup();
      const realOutside = realpathSync(join(outside, 'rules.yml'));
      const workspace = realpathSync(repo.dir);
      for (const input of [relative(repo.dir, join(outside, 'rules.yml')), join(outside, 'rules.yml'), 'escape.yml']) {
        if (input.endsWith('rules.yml') && !input.startsWith('/')) expect(input).toMatch(/^\.\.\//);
        const run = await runAction({ node, workspace: repo.dir, eventName: 'workflow_dispatch', inputs: inputs(input) });
        expect(run.code, input).toBe(1);
        expect(run.stdout).toContain(
          `::error::input \`mapping-file\`: ${JSON.stringify(input)} resolves to ${realOutside}, outside the workspace ${workspace}; the rules file must be in the repository`,
        );
        expect(receiver.requests, input).toHaveLength(0);
      }
      // A symlink that stays inside is fine.
      const inside = await runAction({ node, workspace: repo.dir, eventName: 'workflow_dispatch', inputs: inputs('inside.yml') });
      expect(inside.code).toBe(0);
      expect(receivedTargets(receiver)).toEqual([{ type: 'tag', value: 'extra' }]);
    });

    it('refuses a FIFO, a directory and a file over 1 MiB without reading them', async () => {
      const { repo } = setup();
      execFileSync('mkfifo', [join(repo.dir, 'pipe.yml')]);
      writeFileSync(join(repo.dir, 'big.yml'), `# ${'x'.repeat(1.5 * 1024 * 1024)}\n`);
      const cases: Array<[string, string]> = [
        ['pipe.yml', 'pipe.yml is a FIFO (named pipe), not a regular file'],
        ['rules', 'rules is a directory, not a regular file'],
        ['big.yml', 'big.yml is 1.5 MiB; the rules may be at most 1 MiB'],
      ];
      for (const [input, message] of cases) {
        // Reading the FIFO would wait for a writer for ever: the run is ended after 20 s.
        const run = await runAction({
          node,
          workspace: repo.dir,
          eventName: 'workflow_dispatch',
          inputs: inputs(input),
          timeoutMs: 20_000,
        });
        expect(run.code, input).toBe(1);
        expect(run.stdout).toContain(`::error::input \`mapping-file\`: ${message}`);
        expect(receiver.requests, input).toHaveLength(0);
      }
    });
  });

  describe('YAML as users write it, bombs refused', () => {
    it('anchors and aliases work in a push', async () => {
      const mapping = '- files: &blog content/blog/[slug].md\n  paths: /blog/[slug]\n- files: *blog\n  tags: "post:[slug]"\n';
      const run = await runAction({
        node,
        ...dispatch({ files: ['content/blog/hello.md'] }),
        inputs: { endpoint: receiver.url, secret: SECRET, mapping },
      });
      expect(run.stdout).not.toContain('::error::');
      expect(run.code).toBe(0);
      expect(receivedTargets(receiver)).toEqual([
        { type: 'path', value: '/blog/hello' },
        { type: 'tag', value: 'post:hello' },
      ]);
    });

    it('an alias bomb and a custom tag fail at once, naming what and where, and nothing is sent', async () => {
      const levels = ['  x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let i = 1; i < 12; i++)
        levels.push(
          `  x${i}: &a${i} [${Array(9)
            .fill(`*a${i - 1}`)
            .join(', ')}]`,
        );
      const cases: Array<[string, string]> = [
        [`- files: "**"\n  tags: t\n${levels.join('\n')}\n`, '::error::input `mapping`: YAML aliases (*name) expand past the limit of 100'],
        [
          '- files: "**"\n  tags: !!js/function "function () { return 1 }"\n',
          '::error::input `mapping`, line 2: the YAML tag !!js/function is not allowed',
        ],
      ];
      for (const [mapping, message] of cases) {
        // 9^12 strings if expanded: the run would not finish before it is ended at 20 s.
        const run = await runAction({
          node,
          ...dispatch({ files: ['a.md'] }),
          inputs: { endpoint: receiver.url, secret: SECRET, mapping, tags: 'extra' },
          timeoutMs: 20_000,
        });
        expect(run.code).toBe(1);
        expect(run.stdout).toContain(message);
        expect(receiver.requests).toHaveLength(0);
      }
    });
  });

  describe('site paths a site can serve', () => {
    const mapping = '- files: content/[...slug].md\n  paths: /blog/[...slug]\n  tags: "post:[...slug]"\n';

    it('resolves dot segments, percent-encoded ones too, and keeps captured spaces in paths and tags alike', async () => {
      const run = await runAction({
        node,
        ...dispatch({ files: ['content/%2e%2e/%2E%2e/admin.md', 'content/a/./b.md', 'content/ spaced .md'], paths: ['/x/./y/../z'] }),
        inputs: { endpoint: receiver.url, secret: SECRET, mapping },
      });
      expect(run.stdout).not.toContain('::error::');
      expect(run.code).toBe(0);
      // content/a/./b.md is no name git can hold: it matches no rule.
      expect(receivedTargets(receiver)).toEqual([
        { type: 'path', value: '/admin' },
        { type: 'path', value: '/blog/ spaced ' },
        { type: 'path', value: '/x/z' },
        { type: 'tag', value: 'post: spaced ' },
        { type: 'tag', value: 'post:%2e%2e/%2E%2e/admin' },
      ]);
    });

    it('a ? or # in a mapped path fails the run before anything is sent, naming the rule and the file', async () => {
      const run = await runAction({
        node,
        ...dispatch({ files: ['content/ok.md', 'content/what?.md'] }),
        inputs: { endpoint: receiver.url, secret: SECRET, mapping },
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        '::error::input `mapping`, rule 1 (line 1) maps content/what?.md to the path "/blog/what?", which holds a "?": a query is not part of a site path',
      );
      expect(receiver.requests).toHaveLength(0);
    });
  });

  describe('max-targets: a guard against a mapping that fans out', () => {
    // 12 locales × 450 changed pages = 5,400 paths, over the default limit of 5,000.
    const locales = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'pl', 'sv', 'da', 'fi', 'ja'];
    const mapping = `- files: content/[...page].md\n  paths: [${locales.map((l) => `"/${l}/[...page]"`).join(', ')}]\n- files: content/**\n  tags: content\n`;
    const files = Array.from({ length: 450 }, (_, i) => `content/docs/page-${i}.md`);

    it('above the default 5,000 a real run sends nothing and fails, saying how many, from which rules, and what to do', async () => {
      const run = await runAction({ node, ...dispatch({ files }), inputs: { endpoint: receiver.url, secret: SECRET, mapping } });
      expect(run.code).toBe(1);
      expect(receiver.requests).toHaveLength(0);
      expect(run.stdout).toContain(
        '::error::this run maps to 5,401 distinct targets (5,400 paths, 1 tag), more than the limit of 5,000 (input `max-targets`): nothing was sent. ' +
          'Most came from input `mapping`, rule 1 (line 1): 5,400; input `mapping`, rule 2 (line 3): 1. ' +
          'If that many is right, raise input `max-targets`; otherwise revalidate a cache tag the pages share',
      );
      expect(run.outputs.revalidated).toBe('0');
      // Raised, the same push goes out.
      const raised = await runAction({
        node,
        ...dispatch({ files: files.slice(0, 10) }),
        inputs: { endpoint: receiver.url, secret: SECRET, mapping, 'max-targets': '121' },
      });
      expect(raised.code).toBe(0);
      expect(receiver.requests).toHaveLength(121);
    });

    it('a dry run is not failed: it warns with what a real run would have done', async () => {
      const run = await runAction({
        node,
        ...dispatch({ files: files.slice(0, 10) }),
        inputs: { 'dry-run': 'true', mapping, 'max-targets': '100' },
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        '::warning::this run maps to 121 distinct targets (120 paths, 1 tag), more than the limit of 100 (input `max-targets`): dry run: a real run would send nothing and fail.',
      );
      expect(run.summary).toContain('**Dry run**: 121 targets would be sent');
    });
  });
});
