#!/usr/bin/env node
// `npm run example`: the action's main job on a built-in example, with no GitHub and no secrets.
//  1. copies examples/content-repo into a temporary git repository and commits it;
//  2. pushes a change: edits a post, adds one, deletes one, renames a doc, edits author data;
//  3. starts a local revalidation endpoint (examples/receiver.mjs) on 127.0.0.1;
//  4. runs the bundled action (node dist/index.js) exactly as a GitHub runner would for that push;
//  5. prints what the endpoint received, the action's outputs and where its job summary is.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReceiver } from './receiver.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const work = mkdtempSync(join(tmpdir(), 'isr-revalidate-demo-'));
const repo = join(work, 'repo');
cpSync(join(here, 'content-repo'), repo, { recursive: true });

const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
git('init', '--quiet', '--initial-branch=main');
git('config', 'user.name', 'Demo');
git('config', 'user.email', 'demo@example.com');
git('add', '-A');
git('commit', '--quiet', '-m', 'content as it was');
const before = git('rev-parse', 'HEAD');

writeFileSync(join(repo, 'content/blog/hello-world.md'), '---\ntitle: Hello, world (edited)\n---\nNow with more words.\n');
writeFileSync(join(repo, 'content/blog/brand-new.md'), '---\ntitle: Brand new\n---\nJust published.\n');
rmSync(join(repo, 'content/blog/old-news.md'));
renameSync(join(repo, 'content/docs/guide/setup.md'), join(repo, 'content/docs/guide/installation.md'));
writeFileSync(join(repo, 'data/authors/ada.json'), '{ "name": "Ada", "bio": "Writes posts and docs." }\n');
writeFileSync(join(repo, 'content/blog/_draft.md'), 'Still a draft, still excluded.\n');
git('add', '-A');
git('commit', '--quiet', '-m', 'edit, add, delete, rename');
const after = git('rev-parse', 'HEAD');

const secret = 'demo-secret-not-for-production';
const receiver = await startReceiver({ secret });
const eventPath = join(work, 'event.json');
const outputPath = join(work, 'output.txt');
const summaryPath = join(work, 'summary.md');
writeFileSync(eventPath, JSON.stringify({ ref: 'refs/heads/main', before, after, created: false, deleted: false }));
writeFileSync(outputPath, '');
writeFileSync(summaryPath, '');

console.log(`Example content repository: ${repo}`);
console.log(`Push: ${before.slice(0, 7)} → ${after.slice(0, 7)}\n`);
console.log('── the action ──────────────────────────────────────────');
const action = spawn(process.execPath, [join(root, 'dist/index.js')], {
  cwd: repo,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: repo,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    INPUT_ENDPOINT: receiver.url,
    INPUT_SECRET: secret,
    'INPUT_MAPPING-FILE': 'revalidate.yml',
  },
});
// The receiver lives in this process, so wait without blocking its event loop.
const exitCode = await new Promise((resolve) => action.on('close', (code) => resolve(code ?? 1)));
await receiver.close();

console.log('\n── what the endpoint received ──────────────────────────');
for (const r of receiver.requests) {
  const sentSecret = r.headers['x-revalidation-secret'] === secret ? 'secret ok' : 'WRONG SECRET';
  console.log(`POST ${r.url}  ${r.body}  (${sentSecret})`);
}
console.log('\n── outputs ($GITHUB_OUTPUT) ────────────────────────────');
const outputs = readFileSync(outputPath, 'utf8');
for (const m of outputs.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) console.log(`${m[1]} = ${m[3]}`);
console.log(`\nJob summary (Markdown): ${summaryPath}`);
console.log(`Action exit code: ${exitCode}`);
process.exitCode = exitCode;
