#!/usr/bin/env node
// What `since: last-success` costs (issue 16): the bundled action (`node dist/index.js`) on a
// push in a depth-1 checkout (actions/checkout's default) of a repository with `--commits`
// commits, each changing one of `--files` posts, with `since: event` (the baseline, same run)
// and with `since: last-success` where the last successful run was `--behind` commits back
// (comma-separated: a few runs failed in between, or many). A replay of the Actions runs
// endpoint on 127.0.0.1 names that run; git checks the ancestor (fetching the history since it)
// and diffs. Runs alternate; each gets a fresh depth-1 clone (not timed). Prints medians and
// the targets each variant sent (checked against the expected count).
//
// Flags (all optional): --commits 500 --files 2000 --behind 3,100 --runs 5 --node node_modules/node/bin/node
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { benchEnv } from './setup.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const { values: flags } = parseArgs({
  options: {
    commits: { type: 'string', default: '500' },
    files: { type: 'string', default: '2000' },
    behind: { type: 'string', default: '3,100' },
    runs: { type: 'string', default: '5' },
    node: { type: 'string', default: 'node_modules/node/bin/node' },
  },
});
const COMMITS = Number(flags.commits);
const FILES = Number(flags.files);
const BEHIND = flags.behind.split(',').map(Number);
const RUNS = Number(flags.runs);
const NODE = resolve(ROOT, flags.node);
if (BEHIND.some((b) => !(b >= 1 && b < COMMITS))) throw new Error('--behind must be below --commits');

const { work, clean, git: gitEnv } = benchEnv('isr-since-');
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();

// The repository: one commit with every post, then one commit per post edit (fast-import).
const repo = join(work, 'repo');
mkdirSync(repo);
git(repo, 'init', '--quiet', '--initial-branch=main');
let stream = '';
const data = (t) => `data ${Buffer.byteLength(t)}\n${t}\n`;
for (let i = 0; i <= COMMITS; i++) {
  stream += `commit refs/heads/main\ncommitter Bench <b@example.invalid> ${1_700_000_000 + i * 60} +0000\n${data(`c${i}`)}`;
  if (i === 0) for (let f = 0; f < FILES; f++) stream += `M 100644 inline content/blog/p${f}.md\n${data(`post ${f}`)}`;
  else stream += `M 100644 inline content/blog/p${i % FILES}.md\n${data(`edit ${i}`)}`;
  stream += '\n';
}
execFileSync('git', ['fast-import', '--quiet'], { cwd: repo, input: stream, env: gitEnv });
git(repo, 'reset', '--quiet', '--hard');
const shas = git(repo, 'rev-list', '--first-parent', '--reverse', 'main').split('\n');
const origin = join(work, 'origin.git');
git(work, 'clone', '--quiet', '--bare', repo, origin);
git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
const head = shas[COMMITS];
const before = shas[COMMITS - 1];

// The receiver, and the Actions runs endpoint naming the last success `behind` commits back.
let behind = 1;
let received = 0;
const server = createServer((req, res) => {
  if (req.url?.startsWith('/repos/')) {
    const run = { id: 7, run_number: 7, run_attempt: 1, head_sha: shas[COMMITS - behind], head_branch: 'main', event: 'push' };
    const body = {
      total_count: 1,
      workflow_runs: [
        { ...run, status: 'completed', conclusion: 'success', html_url: 'https://github.com/o/r/actions/runs/7', workflow_id: 1 },
      ],
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    return;
  }
  received++;
  req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"revalidated":true}'));
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;

const eventPath = join(work, 'event.json');
writeFileSync(eventPath, JSON.stringify({ ref: 'refs/heads/main', before, after: head, repository: { default_branch: 'main' } }));
let cloneNo = 0;
function runOnce(since) {
  const checkout = join(work, `checkout-${cloneNo++}`);
  git(work, 'clone', '--quiet', '--depth=1', '--no-tags', `file://${origin}`, checkout);
  const env = {
    ...clean,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: checkout,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_API_URL: url,
    GITHUB_RUN_ID: '8',
    GITHUB_RUN_NUMBER: '8',
    GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/revalidate.yml@refs/heads/main',
    INPUT_ENDPOINT: `${url}/api/revalidate`,
    INPUT_SECRET: 'bench-secret',
    INPUT_MAPPING: '- files: content/blog/[slug].md\n  paths: "/blog/[slug]"',
    'INPUT_GITHUB-TOKEN': 'ghs_bench',
    INPUT_SINCE: since,
  };
  received = 0;
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(NODE, [join(ROOT, 'dist/index.js')], {
      cwd: checkout,
      env,
      stdio: ['ignore', process.env.SINCE_BENCH_LOG ? 'inherit' : 'ignore', 'inherit'],
    });
    child.on('close', (code) => (code === 0 ? done({ ms: performance.now() - t0, sent: received }) : fail(new Error(`exit ${code}`))));
  });
}

const variants = [
  { name: 'since: event (baseline)', since: 'event', behind: 1 },
  ...BEHIND.map((b) => ({ name: `since: last-success, ${b} commits back`, since: 'last-success', behind: b })),
];
const times = variants.map(() => []);
const sent = variants.map(() => new Set());
try {
  for (let r = 0; r < RUNS; r++) {
    for (const [i, v] of variants.entries()) {
      behind = v.behind;
      const { ms, sent: n } = await runOnce(v.since);
      times[i].push(ms);
      sent[i].add(n);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(times[0]);
  const lines = [
    `since.mjs: ${COMMITS} commits, ${FILES} posts, depth-1 checkout, ${RUNS} alternating runs, ${execFileSync(NODE, ['--version']).toString().trim()}, load ${loadavg()[0].toFixed(1)}`,
    '',
    '| variant | targets sent | median wall | vs baseline |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const [i, v] of variants.entries()) {
    const expected = Math.min(v.behind, FILES);
    const got = [...sent[i]];
    if (got.length !== 1 || got[0] !== expected) throw new Error(`${v.name}: sent ${got.join('/')} targets, expected ${expected}`);
    const m = median(times[i]);
    lines.push(`| ${v.name} | ${got[0]} | ${m.toFixed(0)} ms | ${i === 0 ? '–' : `+${(m - base).toFixed(0)} ms`} |`);
  }
  console.log(lines.join('\n'));
} finally {
  server.close();
  execFileSync('rm', ['-rf', work]);
}
