/**
 * Untrusted text never becomes a workflow command. File names (whoever can push), dispatch
 * payloads (a CMS), the `paths`/`tags` inputs (maybe another step's output) and endpoint replies
 * (the network) are printed through text.ts: control characters shown as escapes, `##[` broken
 * up, no line starting with `::`. Targets that hold a control character are not sent. Checked on
 * the functions and on the bundled action as a whole process.
 */
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { renderSummary, type RunReport } from '../../src/report.js';
import { annotation, controlCharacter, logLine, markdownCode, markdownText, printable, withoutCredentials } from '../../src/text.js';
import { nodeRuntimes, runAction, type ActionRun } from '../helpers/action.js';
import { foreignCommands, RAW_CONTROL } from '../helpers/commands.js';
import { json, ok, startFaultServer, text, type FaultServer, type Handler } from '../helpers/faulty.js';
import { TestRepo } from '../helpers/git.js';
import { pushPayload } from '../helpers/changes.js';

const SECRET = 'untrusted-text-secret';

/** What an attacker would like the runner to run, in every disguise the tests use. */
const FORGED = [
  '::notice title=X::forged',
  '::add-mask::visible',
  '::stop-commands::tok',
  '::set-output name=paths::forged',
  '##[error]forged',
  '##[add-mask]x',
];

describe('printable: what a value looks like in the log', () => {
  it('shows CR, LF, TAB, ESC, NUL, DEL, C1 controls and the line separators as escapes', () => {
    expect(printable('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(printable('\u001b[31mred\u001b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(printable('\u0000\u007f\u0085\u009b')).toBe('\\x00\\x7f\\x85\\x9b');
    expect(printable('x\u2028y\u2029z')).toBe('x\\u2028y\\u2029z');
    expect(printable('bidi \u202etxt.exe\u2066')).toBe('bidi \\u202etxt.exe\\u2066');
  });

  it('breaks up the older command syntax anywhere in the text, and leaves the rest alone', () => {
    expect(printable('x ##[error]y ##[add-mask]z')).toBe('x ##\\[error]y ##\\[add-mask]z');
    expect(printable('/blog/héllo wörld — 日本 [slug] ::ok:: C:\\dir')).toBe('/blog/héllo wörld — 日本 [slug] ::ok:: C:\\dir');
  });

  it('a log line never starts with `::`, whatever white space comes first', () => {
    expect(logLine('::notice::x')).toBe('\\::notice::x');
    expect(logLine('  \u00a0::warning::x')).toBe('  \u00a0\\::warning::x');
    expect(logLine('value ::notice::x')).toBe('value ::notice::x');
    expect(logLine('a\n::notice::x')).toBe('a\\n::notice::x');
  });

  it('an annotation keeps its own lines; everything else in it is printable', () => {
    expect(annotation('2 problems:\n- a \u001b[2J\n- b ##[error]c')).toBe('2 problems:\n- a \\x1b[2J\n- b ##\\[error]c');
  });

  it('names the control character a value holds, if any', () => {
    expect(controlCharacter('/blog/a\nb')).toBe('\\n');
    expect(controlCharacter('tag\u001b')).toBe('\\x1b');
    expect(controlCharacter('/blog/ünïcode tag')).toBeUndefined();
  });

  it('takes credentials out of URLs', () => {
    expect(withoutCredentials("fatal: unable to access 'https://user:p@ss@example.com/x.git/': 403")).toBe(
      "fatal: unable to access 'https://example.com/x.git/': 403",
    );
    expect(withoutCredentials('ssh://git@host/repo and http://token@127.0.0.1:3000/api')).toBe(
      'ssh://host/repo and http://127.0.0.1:3000/api',
    );
    expect(withoutCredentials('no url here: a@b.c')).toBe('no url here: a@b.c');
  });
});

describe('Markdown for the job summary: outside text renders as text', () => {
  const nasty = [
    'a|b',
    '<img src=x onerror=alert(1)>',
    '`code` and ``more``',
    '[click](https://evil.example/phish)',
    '![pixel](https://evil.example/p.png)',
    'bare https://evil.example/x and www.evil.example',
    '<https://evil.example>',
    '**bold** _em_ ~~gone~~',
    'line\nbreak\u001b[31m',
    '&lt;already&gt; \\` \\|',
  ];

  it('in a table cell: one cell, no tag, link, image or code span of its own, the text as given', () => {
    for (const value of nasty) {
      const md = `| a | b |\n| --- | --- |\n| ${markdownCode(value)} | ${markdownText(value)} |\n`;
      const html = marked.parse(md, { gfm: true, async: false });
      expect(html, value).not.toMatch(/<(a|img|script|em|strong|del)\b/);
      // Two cells, each one <code> (the first) or plain text.
      expect(html.match(/<td>/g), value).toHaveLength(2);
      const cell = /<td><code>([\s\S]*?)<\/code><\/td>/.exec(html)?.[1] ?? '';
      expect(decode(cell), value).toBe(printable(value));
    }
  });

  it('the action’s own `code` spans stay code; quoted text inside them is escaped', () => {
    const html = marked.parse(markdownText('input `tags` entry `a|<b>` is bad:\nsee https://x.example'), { gfm: true, async: false });
    expect(html).toContain('input <code>tags</code> entry <code>a|&lt;b&gt;</code> is bad:<br>see https://x.example');
  });

  it('a whole summary with such names: no foreign HTML, links or images, every table well formed', () => {
    const values = nasty.map((v, i) => `/n${i}/${v.replace(/\n/g, ' ')}`);
    const report: RunReport = {
      dryRun: false,
      description: 'repository_dispatch ([x](https://evil.example) <b>)',
      deliveries: values.map((value) => ({
        target: { type: 'path', value, sources: [] },
        status: 'failed',
        httpStatus: 500,
        attempts: 1,
        ms: 1,
        error: `HTTP 500: ${value}`,
      })),
      warnings: nasty,
      mapping: {
        targets: values.map((value) => ({ type: 'path', value, sources: [] })),
        rejected: [],
        unmatched: nasty,
        perFile: [],
        perRule: [],
      },
      fatal: 'stopped: <script>alert(1)</script> [x](https://evil.example)',
    };
    const html = marked.parse(renderSummary(report), { gfm: true, async: false });
    // (<strong> and <b> are the summary's own, for its labels.)
    expect(html).not.toMatch(/<(a|img|script|em|del)\b/);
    expect(html).not.toContain('<strong>bold');
    expect(html).toContain('repository_dispatch ([x](https://evil.example) &lt;b&gt;)');
    for (const table of html.split('<table>').slice(1)) {
      const columns = (table.match(/<th\b/g) ?? []).length;
      for (const row of table.split('<tr>').slice(2)) expect((row.match(/<td\b/g) ?? []).length).toBe(columns);
    }
  });
});

function decode(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

// ---- the bundled action as a whole process --------------------------------------------------

// A "#" in a site path is a configuration error (a fragment), so the `##[` name feeds a tag only.
const MAPPING = `
- files: content/blog/[slug].md
  exclude: content/blog/*#*
  paths: "/blog/[slug]"
- files: content/blog/[slug].md
  tags: "post:[slug]"
`;

/** The log is clean: no command the action did not write, no raw control character. */
function expectCleanLog(run: ActionRun) {
  const log = run.stdout + run.stderr;
  expect(foreignCommands(log, [SECRET])).toEqual([]);
  expect(log).not.toMatch(RAW_CONTROL);
}

interface Failed {
  type: string;
  value: string;
  status: number | null;
  error: string;
}
const failedOf = (run: ActionRun) => JSON.parse(run.outputs.failed ?? '[]') as Failed[];

async function serve(handler: Handler, use: (server: FaultServer) => Promise<void>) {
  const server = await startFaultServer(handler);
  try {
    await use(server);
  } finally {
    await server.close();
  }
}

describe.each(nodeRuntimes())('the bundled action under $name', ({ path: node }) => {
  it('a push of files named to forge commands: printed escaped, their targets not sent, each reported with its file', async () => {
    const names = [
      'content/blog/lf\n::notice title=X::forged.md',
      'content/blog/cr\r::add-mask::visible.md',
      'content/blog/esc\u001b[2J\u001b]0;title\u0007.md',
      'content/blog/legacy##[error]forged.md',
      'content/blog/sep\u2028::stop-commands::tok.md',
      'content/blog/c1\u009b31m.md',
      'content/blog/fine.md',
    ];
    const repo = TestRepo.create();
    repo.write({ 'content/blog/first.md': '1' });
    const before = repo.commit();
    repo.write(Object.fromEntries(names.map((n) => [n, 'x'])));
    const after = repo.commit();
    const checkout = TestRepo.shallowClone(repo.bareOrigin());
    await serve(ok, async (server) => {
      const run = await runAction({
        node,
        workspace: checkout.dir,
        event: pushPayload(before, after),
        inputs: { endpoint: server.url, secret: SECRET, mapping: MAPPING },
      });
      expectCleanLog(run);
      expect(run.stderr).toBe('');
      // Only the clean file's targets were sent; the `##[` one holds no control character.
      expect(server.requests.map((r) => r.target).sort()).toEqual(['path /blog/fine', 'tag post:fine', 'tag post:legacy##[error]forged']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.outputs['changed-files'] ?? '[]')).toEqual([...names].sort());
      const failed = failedOf(run);
      expect(failed).toHaveLength(10);
      expect(
        failed.every(
          (f) =>
            f.status === null &&
            /^not sent: (path|tag) holds a control character \(\\(n|r|x1b|u2028|x9b)\), which no site path or cache tag contains; from content\/blog\//.test(
              f.error,
            ),
        ),
      ).toBe(true);
      expect(failed.find((f) => f.value === '/blog/lf\n::notice title=X::forged')?.error).toMatch(
        /; from content\/blog\/lf\\n::notice title=X::forged\.md$/,
      );
      // Printed, escaped: a reader sees what the names hold.
      expect(run.stdout).toContain('  added    content/blog/lf\\n::notice title=X::forged.md');
      expect(run.stdout).toContain('content/blog/esc\\x1b[2J\\x1b]0;title\\x07.md');
      expect(run.stdout).toContain('content/blog/legacy##\\[error]forged.md');
      expect(run.summary).not.toMatch(RAW_CONTROL);
      expect(run.summary).not.toContain('##[');
    });
  });

  it('`paths` and `tags` inputs holding CR, ESC and command text', async () => {
    await serve(ok, async (server) => {
      const run = await runAction({
        node,
        eventName: 'workflow_dispatch',
        event: { inputs: {} },
        inputs: {
          endpoint: server.url,
          secret: SECRET,
          tags: `good,cr\r::notice::forged,esc\u001b[31m,\n${FORGED.join('\n')}`,
          paths: `/ok,/p\r::add-mask::x,/e\u001b]8;;evil\u0007link`,
        },
      });
      expectCleanLog(run);
      // Text with `::` or `##[` but no control character is a tag like any other: sent, printed escaped.
      expect(server.requests.map((r) => r.target).sort()).toEqual(['path /ok', 'tag good', ...FORGED.map((f) => `tag ${f}`)].sort());
      expect(failedOf(run).map((f) => [f.value, f.error.replace(/; from .*/, '')])).toEqual([
        ['/e\u001b]8;;evil\u0007link', 'not sent: path holds a control character (\\x1b), which no site path or cache tag contains'],
        ['/p\r::add-mask::x', 'not sent: path holds a control character (\\r), which no site path or cache tag contains'],
        ['cr\r::notice::forged', 'not sent: tag holds a control character (\\r), which no site path or cache tag contains'],
        ['esc\u001b[31m', 'not sent: tag holds a control character (\\x1b), which no site path or cache tag contains'],
      ]);
      expect(failedOf(run).map((f) => f.error.replace(/.*; from /, ''))).toEqual([
        'input `paths`',
        'input `paths`',
        'input `tags`',
        'input `tags`',
      ]);
      expect(run.stdout).toContain('  not sent: tag cr\\r::notice::forged: ');
      expect(run.stdout).toContain('✓ tag ##\\[error]forged');
      expect(run.code).toBe(1);
    });
  });

  it('a repository_dispatch whose event_type and client_payload hold control characters and commands', async () => {
    await serve(ok, async (server) => {
      const run = await runAction({
        node,
        eventName: 'repository_dispatch',
        event: {
          action: 'publish\n::add-mask::everything\u001b[8m##[stop-commands]tok',
          client_payload: {
            paths: ['/blog/a', '/blog/b\n::notice::forged', '/blog/c\u2029::error::x'],
            tags: ['posts', 'esc\u001bc', '##[warning]w'],
            files: ['content/blog/d\r::set-output name=x::y.md'],
          },
        },
        inputs: { endpoint: server.url, secret: SECRET, mapping: MAPPING },
      });
      expectCleanLog(run);
      expect(run.stdout).toContain(
        'repository_dispatch (publish\\n::add-mask::everything\\x1b[8m##\\[stop-commands]tok): 1 file(s), 3 path(s), 3 tag(s) from client_payload',
      );
      expect(server.requests.map((r) => r.target).sort()).toEqual(['path /blog/a', 'tag ##[warning]w', 'tag posts']);
      expect(failedOf(run).map((f) => f.value)).toEqual([
        '/blog/b\n::notice::forged',
        '/blog/c\u2029::error::x',
        '/blog/d\r::set-output name=x::y',
        'esc\u001bc',
        'post:d\r::set-output name=x::y',
      ]);
      expect(run.summary).toContain('(publish\\\\n::add-mask::everything\\\\x1b\\[8m##\\\\\\[stop-commands\\]tok)');
      expect(run.code).toBe(1);
    });
  });

  it('an endpoint with a user name and password: refused before anything is sent, and shown without them', async () => {
    await serve(ok, async (server) => {
      const endpoint = server.url.replace('http://', 'http://deploy:hunter2@');
      const run = await runAction({
        node,
        eventName: 'workflow_dispatch',
        event: { inputs: {} },
        inputs: { endpoint, secret: SECRET, tags: 'a' },
      });
      expect(run.code).toBe(1);
      expect(server.requests).toEqual([]);
      expect(run.stdout).toContain(
        `::error::input \`endpoint\` must not carry a user name or password; use \`secret\` (got "${server.url}")`,
      );
      expect(run.stdout + run.stderr + run.summary).not.toMatch(/hunter2|deploy/);
    });
  });

  it('an endpoint whose error replies hold line breaks, escape sequences and commands', async () => {
    const handler: Handler = (ex) => {
      if (ex.request.target === 'tag json')
        return json(ex, 400, { error: 'bad\n::error::forged\u001b[2J ##[add-mask]secret\u2028::notice::x' });
      if (ex.request.target === 'tag text') return text(ex, 422, 'nope\r\n::warning::forged\r\n##[set-output name=a]b\u009b');
      ok(ex);
    };
    await serve(handler, async (server) => {
      const run = await runAction({
        node,
        eventName: 'workflow_dispatch',
        event: { inputs: {} },
        inputs: { endpoint: server.url, secret: SECRET, tags: 'json, text, fine', retries: '0' },
      });
      expectCleanLog(run);
      expect(run.code).toBe(1);
      expect(run.outputs.revalidated).toBe('1');
      const failed = failedOf(run);
      expect(failed.map((f) => [f.value, f.status])).toEqual([
        ['json', 400],
        ['text', 422],
      ]);
      // The server's words, on one line, with `##[` broken up wherever it is printed.
      expect(failed[0]?.error).toBe('HTTP 400: bad ::error::forged [2J ##[add-mask]secret ::notice::x');
      expect(run.stdout).toContain('✗ tag json HTTP 400 (1 attempt, ');
      expect(run.stdout).toContain('HTTP 400: bad ::error::forged [2J ##\\[add-mask]secret ::notice::x');
    });
  });
});
