#!/usr/bin/env node
// Renders the job summary of a real run for the README's screenshot (docs/summary.png).
//  1. commits a push to a copy of examples/content-repo (edit, add, delete, rename, data change);
//  2. starts an endpoint on 127.0.0.1 that speaks the contract but misbehaves on purpose: one
//     page always answers 500, one tag answers 503 once (retried, then revalidated);
//  3. runs the command (dist/cli.js, the action's engine) with --summary-file;
//  4. writes docs/summary.md and docs/summary.html (the Markdown rendered as GitHub renders a
//     job summary, close enough for a picture).
// Then, by hand (Chromium is not needed by the tests):
//   chromium --headless --hide-scrollbars --window-size=960,1300 --screenshot=docs/summary.png docs/summary.html
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { marked } from 'marked';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const repo = join(mkdtempSync(join(tmpdir(), 'isr-summary-')), 'repo');
cpSync(join(root, 'examples/content-repo'), repo, { recursive: true });
const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
git('init', '--quiet', '--initial-branch=main');
git('-c', 'user.name=Docs', '-c', 'user.email=docs@example.com', 'add', '-A');
git('-c', 'user.name=Docs', '-c', 'user.email=docs@example.com', 'commit', '--quiet', '-m', 'content');
const before = git('rev-parse', 'HEAD');
writeFileSync(join(repo, 'content/blog/hello-world.md'), '---\ntitle: Hello, world (edited)\n---\n');
writeFileSync(join(repo, 'content/blog/brand-new.md'), '---\ntitle: Brand new\n---\n');
rmSync(join(repo, 'content/blog/old-news.md'));
renameSync(join(repo, 'content/docs/guide/setup.md'), join(repo, 'content/docs/guide/installation.md'));
writeFileSync(join(repo, 'data/authors/ada.json'), '{ "name": "Ada", "bio": "Writes posts and docs." }\n');
writeFileSync(join(repo, 'content/blog/_draft.md'), 'Still a draft.\n');
writeFileSync(join(repo, 'README.md'), '# Content\n');
git('add', '-A');
git('-c', 'user.name=Docs', '-c', 'user.email=docs@example.com', 'commit', '--quiet', '-m', 'edit, add, delete, rename');
const after = git('rev-parse', 'HEAD');

const secret = 'docs-secret';
const retried = new Set();
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const { type, value } = JSON.parse(body);
    const reply = (status, json) =>
      setTimeout(
        () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json)),
        40 + ((value.length * 7) % 90),
      );
    if (req.headers['x-revalidation-secret'] !== secret) return reply(401, { error: 'Invalid secret' });
    if (value === '/blog/old-news') return reply(500, { error: 'Failed to revalidate' });
    // The first try on `authors` meets a busy server; the retry succeeds.
    if (value === 'authors' && !retried.has(value)) {
      retried.add(value);
      return reply(503, { error: 'Service unavailable' });
    }
    reply(200, { revalidated: true, type, value, timestamp: Date.now() });
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const endpoint = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/api/revalidate`;

const summaryFile = join(here, 'summary.md');
const child = await import('node:child_process').then(({ spawn }) =>
  spawn(
    process.execPath,
    [
      join(root, 'dist/cli.js'),
      '--base',
      before,
      '--head',
      after,
      '--mapping-file',
      'revalidate.yml',
      '--endpoint',
      endpoint,
      '--summary-file',
      summaryFile,
      '--no-fail-on-error',
    ],
    {
      cwd: repo,
      env: { PATH: process.env.PATH, REVALIDATION_SECRET: secret },
      stdio: 'inherit',
    },
  ),
);
await new Promise((r) => child.on('close', r));
server.close();

const markdown = readFileSync(summaryFile, 'utf8');

const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>isr-revalidate job summary</title>
<style>
  body { margin: 0; background: #f6f8fa; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; }
  .card { margin: 16px; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; padding: 8px 24px 16px; }
  .title { margin: 16px 16px 0; font-weight: 600; color: #59636e; font-size: 12px; }
  h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; margin: 16px 0; }
  h3 { font-size: 1.25em; margin: 24px 0 12px; }
  table { border-collapse: collapse; margin: 0 0 16px; display: block; width: max-content; max-width: 100%; overflow: auto; }
  th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
  th { font-weight: 600; }
  tr:nth-child(2n) { background: #f6f8fa; }
  code { font: 85% ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
  details summary { cursor: pointer; margin-bottom: 12px; }
  p { margin: 0 0 16px; }
</style></head>
<body><div class="title">revalidate summary</div><div class="card">
${marked.parse(markdown, { gfm: true })}
</div></body></html>
`;
writeFileSync(join(here, 'summary.html'), html);
console.log(`\nwrote ${summaryFile} and ${join(here, 'summary.html')}`);
