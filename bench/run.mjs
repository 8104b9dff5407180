#!/usr/bin/env node
// The benchmark (`npm run bench`; not a test). On one synthetic content repository and against a
// local receiver that adds a fixed latency per request, it times:
//   - the bundled action (`node dist/index.js`, as the runner starts it) at each concurrency;
//   - the baseline users write by hand today: `git diff --name-only | sed | while read; curl -X POST`;
//   - the lower bound: the git diff itself + Node's start-up + ceil(targets / concurrency) × latency;
// checks that every variant delivered exactly the expected targets, and reports medians of
// alternating runs, the ratios, the start-up overhead of a push that changes no content file
// (against the floor @actions/core sets: a minimal action bundled the same way that only imports
// the toolkit, reads one input and sets one output; `node -e 0` shown too) and the peak memory of
// a push that changes every file.
// Every process gets the same minimal environment: this machine's extra variables (an extra CA
// bundle, for one) add tens of milliseconds to each Node start, and must not weigh on one side only.
//
// Flags (all optional): --files 20000 --changed 2000 --latency 20 --runs 5 --concurrency 4,16
//   --startup-runs 15 --baseline-runs 3 (0 skips the curl loop, ~2 min a run at the defaults)
//   --nodes 24,host --no-memory
//   --adversarial-files 200 --adversarial-runs 5 (0 skips): the mapping time of a push of
//   1,000-character names built against six-capture patterns, next to one of ordinary names
// A quick look: node bench/run.mjs --files 2000 --changed 200 --runs 3 --baseline-runs 1
//   --profile DIR: instead of timing, run the action once per push and concurrency under
//   `--cpu-prof` and write the .cpuprofile files to DIR (open them in Chrome DevTools).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
import { benchEnv, findRuntimes } from './setup.mjs';
import { bundle } from '../scripts/bundle.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist/index.js');
const SECRET = 'bench-secret';

const { values: flags } = parseArgs({
  options: {
    files: { type: 'string', default: '20000' },
    changed: { type: 'string', default: '2000' },
    latency: { type: 'string', default: '20' },
    runs: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '4,16' },
    'startup-runs': { type: 'string', default: '15' },
    'baseline-runs': { type: 'string', default: '3' },
    nodes: { type: 'string', default: '24,host' },
    'no-memory': { type: 'boolean', default: false },
    'adversarial-files': { type: 'string', default: '200' },
    'adversarial-runs': { type: 'string', default: '5' },
    profile: { type: 'string' },
  },
});
const wholeNumber = (name) => {
  const v = Number(flags[name]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number (got ${flags[name]})`);
  return v;
};
const FILES = wholeNumber('files');
const CHANGED = Math.min(wholeNumber('changed'), FILES);
const LATENCY = wholeNumber('latency');
const RUNS = Math.max(1, wholeNumber('runs'));
const STARTUP_RUNS = Math.max(1, wholeNumber('startup-runs'));
const BASELINE_RUNS = wholeNumber('baseline-runs');
const ADVERSARIAL_FILES = wholeNumber('adversarial-files');
const ADVERSARIAL_RUNS = wholeNumber('adversarial-runs');
const CONCURRENCY = flags.concurrency.split(',').map((c) => Number(c.trim()));
if (CONCURRENCY.some((c) => !Number.isInteger(c) || c < 1 || c > 64)) throw new Error('--concurrency must list whole numbers from 1 to 64');

// --- the Node runtimes: the runners' Node 24 (the `node` devDependency) and this machine's own ---
const RUNTIMES = findRuntimes(flags.nodes);

// --- the one clean environment every timed process starts from ---
const { work: WORK, clean: CLEAN_ENV, git: GIT_ENV } = benchEnv('isr-bench-');

function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).trim();
}

// --- the synthetic content repository: FILES posts, one push changing CHANGED of them, one push
// changing only README.md (no content), one push changing every post (for peak memory) ---
const slug = (i) => `post-${String(i).padStart(5, '0')}`;
function buildRepo() {
  const repo = join(WORK, 'content-repo');
  mkdirSync(join(repo, 'content/blog'), { recursive: true });
  git(repo, 'init', '--quiet', '--initial-branch=main');
  writeFileSync(join(repo, 'README.md'), 'synthetic content repository\n');
  for (let i = 0; i < FILES; i++) writeFileSync(join(repo, `content/blog/${slug(i)}.md`), `# Post ${i}\n\nbody ${i}\n`);
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'posts');
  const c0 = git(repo, 'rev-parse', 'HEAD');
  // Spread the changed posts over the whole tree, as real edits would be.
  const step = CHANGED > 0 ? FILES / CHANGED : 0;
  const changed = Array.from({ length: CHANGED }, (_, k) => Math.floor(k * step));
  for (const i of changed) writeFileSync(join(repo, `content/blog/${slug(i)}.md`), `# Post ${i}, edited\n\nbody ${i}, edited\n`);
  git(repo, 'commit', '--quiet', '-am', 'edit posts');
  const c1 = git(repo, 'rev-parse', 'HEAD');
  writeFileSync(join(repo, 'README.md'), 'synthetic content repository, edited\n');
  git(repo, 'commit', '--quiet', '-am', 'readme only');
  const c2 = git(repo, 'rev-parse', 'HEAD');
  for (let i = 0; i < FILES; i++) writeFileSync(join(repo, `content/blog/${slug(i)}.md`), `# Post ${i}, rewritten\n`);
  git(repo, 'commit', '--quiet', '-am', 'every post');
  const c3 = git(repo, 'rev-parse', 'HEAD');
  const expected = (indices) => [...indices.map((i) => `path /blog/${slug(i)}`), 'tag posts'].sort();
  return {
    repo,
    content: { base: c0, head: c1, expected: expected(changed) },
    noContent: { base: c1, head: c2, expected: [] },
    everything: { base: c2, head: c3, expected: expected(Array.from({ length: FILES }, (_, i) => i)) },
  };
}

const MAPPING = `
- files: content/blog/[slug].md
  paths: /blog/[slug]
  tags: posts
`;

// --- the receiver: the seed route's contract, answering after a fixed latency ---
async function startReceiver() {
  let received = [];
  let rejected = 0;
  // What the latency really was: timers fire a little late, and a loaded machine adds more.
  const holds = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const arrived = performance.now();
      setTimeout(() => {
        holds.push(performance.now() - arrived);
        let body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined;
        }
        if (req.method !== 'POST' || req.headers['x-revalidation-secret'] !== SECRET || !['path', 'tag'].includes(body?.type)) {
          rejected += 1;
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"Invalid request"}');
          return;
        }
        received.push(`${body.type} ${body.value}`);
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ revalidated: true, type: body.type, value: body.value, timestamp: Date.now() }));
      }, LATENCY);
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  return {
    url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/api/revalidate`,
    holds,
    /** What arrived since the last take, sorted; throws on any rejected request. */
    take() {
      const got = received.sort();
      const bad = rejected;
      received = [];
      rejected = 0;
      if (bad > 0) throw new Error(`${bad} request(s) did not follow the contract`);
      return got;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

// --- the floor: a minimal @actions/core action, bundled as dist/ is ---
function buildMinimalAction() {
  const dir = join(WORK, 'minimal-action');
  mkdirSync(dir);
  bundle(join(ROOT, 'bench/minimal-action.mjs'), dir, 'index.js');
  writeFileSync(join(dir, 'package.json'), readFileSync(join(ROOT, 'dist/package.json')));
  return join(dir, 'index.js');
}

async function runMinimalAction(node, push) {
  const { dir, env } = actionEnv(push, 4, 'http://127.0.0.1:9/unused');
  const ms = await timed(node, [MINIMAL], { cwd: REPO.repo, env });
  if (!readFileSync(join(dir, 'output'), 'utf8').includes('endpoint<<')) throw new Error('the minimal action set no output');
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

// --- timing one process ---
function timed(command, args, options) {
  return new Promise((res, rej) => {
    const started = performance.now();
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) rej(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`));
      else res(ms);
    });
  });
}

function actionEnv(push, concurrency, receiverUrl) {
  const dir = mkdtempSync(join(WORK, 'run-'));
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify({ ref: 'refs/heads/main', before: push.base, after: push.head, created: false, deleted: false }));
  writeFileSync(join(dir, 'output'), '');
  writeFileSync(join(dir, 'summary'), '');
  return {
    dir,
    env: {
      ...CLEAN_ENV,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_WORKSPACE: REPO.repo,
      RUNNER_TEMP: dir,
      INPUT_ENDPOINT: receiverUrl,
      INPUT_SECRET: SECRET,
      INPUT_MAPPING: MAPPING,
      INPUT_CONCURRENCY: String(concurrency),
      // The push that changes every post sends FILES + 1 targets, past the default guard.
      'INPUT_MAX-TARGETS': String(Math.max(5000, FILES + 1)),
    },
  };
}

async function runAction(node, push, concurrency, receiver, { memory = false, nodeArgs = [] } = {}) {
  const { dir, env } = actionEnv(push, concurrency, receiver.url);
  let ms;
  let peakKb;
  if (memory) ({ ms, peakKb } = await withPeakMemory(node, [...nodeArgs, DIST], { cwd: REPO.repo, env }));
  else ms = await timed(node, [...nodeArgs, DIST], { cwd: REPO.repo, env });
  const got = receiver.take();
  check(`action (${node}, concurrency ${concurrency})`, got, push.expected);
  const outputs = readFileSync(join(dir, 'output'), 'utf8');
  if (!outputs.includes(`revalidated<<`) || !new RegExp(`revalidated<<[^\\n]*\\n${push.expected.length}\\n`).test(outputs)) {
    throw new Error(`the action's \`revalidated\` output is not ${push.expected.length}`);
  }
  rmSync(dir, { recursive: true, force: true });
  return { ms, peakKb };
}

/** Peak resident memory of one process: GNU time's %M where installed, else VmHWM polled from /proc. */
async function withPeakMemory(command, args, options) {
  if (existsSync('/usr/bin/time')) {
    const out = join(WORK, 'time.txt');
    const ms = await timed('/usr/bin/time', ['-f', '%M', '-o', out, command, ...args], options);
    return { ms, peakKb: Number(readFileSync(out, 'utf8').trim().split('\n').at(-1)) };
  }
  const started = performance.now();
  const child = spawn(command, args, { ...options, stdio: 'ignore' });
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      /* exited */
    }
  }, 5);
  const code = await new Promise((r) => child.on('close', r));
  clearInterval(poll);
  if (code !== 0) throw new Error(`${command} exited with ${code}`);
  return { ms: performance.now() - started, peakKb };
}

const BASELINE = `
git diff --name-only "$BASE" "$HEAD" \\
  | sed -n 's#^content/blog/\\([^/]*\\)\\.md$#path /blog/\\1#p' \\
  | { cat; echo 'tag posts'; } \\
  | while read -r type value; do
      curl -sS -f -o /dev/null -X POST "$ENDPOINT" \\
        -H 'content-type: application/json' -H "x-revalidation-secret: $SECRET" \\
        --data "{\\"type\\":\\"$type\\",\\"value\\":\\"$value\\"}"
    done
`;

async function runBaseline(push, receiver) {
  const env = { ...CLEAN_ENV, BASE: push.base, HEAD: push.head, ENDPOINT: receiver.url, SECRET };
  const ms = await timed('bash', ['-eo', 'pipefail', '-c', BASELINE], { cwd: REPO.repo, env });
  check('baseline (curl loop)', receiver.take(), push.expected);
  return ms;
}

function check(variant, got, expected) {
  if (got.length !== expected.length || got.some((t, i) => t !== expected[i])) {
    const missing = expected.filter((t) => !got.includes(t)).slice(0, 3);
    throw new Error(
      `${variant} delivered ${got.length} targets, expected ${expected.length}${missing.length ? ` (missing e.g. ${missing.join(', ')})` : ' (duplicates)'}`,
    );
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

// --- mapping an adversarial push: names made to stall a backtracking matcher ---
const ADVERSARIAL_MAPPING = `
- files: posts/[year]-[month]-[day]-[lang]-[slug]-[rev].md
  paths: /[lang]/[year]/[month]/[day]/[slug]
- files: "[...a]-[...b]-[...c]-[...d]-[...e]-[...f]/end"
  tags: "x:[f]"
`;
function adversarialNames(count) {
  // 1,000 characters each: dashes and slashes where the patterns expect a dash between captures.
  const shapes = [
    (i) => `posts/${'-'.repeat(990)}${String(i).padStart(4, '0')}`,
    (i) => `${'-/'.repeat(497)}${String(i).padStart(6, '0')}`,
  ];
  return Array.from({ length: count }, (_, i) => shapes[i % shapes.length](i));
}
const ordinaryNames = (count) => Array.from({ length: count }, (_, i) => `posts/2024-01-02-en-${slug(i)}-1.md`);

/** One dry run of the action on a repository_dispatch push of `files`: wall time in ms. */
async function runDispatch(node, files) {
  const dir = mkdtempSync(join(WORK, 'dispatch-'));
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify({ action: 'bench', client_payload: { files } }));
  writeFileSync(join(dir, 'output'), '');
  writeFileSync(join(dir, 'summary'), '');
  const env = {
    ...CLEAN_ENV,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'repository_dispatch',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: dir,
    INPUT_MAPPING: ADVERSARIAL_MAPPING,
    'INPUT_DRY-RUN': 'true',
  };
  const ms = await timed(node, [DIST], { cwd: dir, env });
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

// --- the run ---
const LOAD_AT_START = loadavg()[0];
const REPO = buildRepo();
const MINIMAL = buildMinimalAction();
const receiver = await startReceiver();
const targets = REPO.content.expected.length;
console.error(
  `bench: ${FILES} files, push changing ${CHANGED} → ${targets} targets; latency ${LATENCY} ms; ${RUNS} run(s); concurrency ${CONCURRENCY.join(', ')}`,
);
console.error(`bench: runtimes ${RUNTIMES.map((r) => `${r.version} (${r.path})`).join(', ')}; work dir ${WORK}`);

if (flags.profile) {
  const dir = resolve(flags.profile);
  mkdirSync(dir, { recursive: true });
  try {
    for (const rt of RUNTIMES) {
      const tag = rt.version.split('.')[0];
      const args = (name) => ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${tag}-${name}.cpuprofile`];
      await runAction(rt.path, REPO.noContent, 4, receiver, { nodeArgs: args('no-content') });
      for (const c of CONCURRENCY) await runAction(rt.path, REPO.content, c, receiver, { nodeArgs: args(`content-c${c}`) });
    }
    console.log(`profiles written to ${dir}`);
  } finally {
    await receiver.close();
    rmSync(WORK, { recursive: true, force: true });
  }
  process.exit(0);
}

try {
  // Start-up: `node -e 0`, the minimal @actions/core action and ours on a push that changes no
  // content file, alternating.
  const startup = RUNTIMES.map(() => ({ bare: [], minimal: [], action: [] }));
  for (let r = 0; r < STARTUP_RUNS; r++) {
    for (const [k, rt] of RUNTIMES.entries()) {
      startup[k].bare.push(await timed(rt.path, ['-e', '0'], { cwd: REPO.repo, env: CLEAN_ENV }));
      startup[k].minimal.push(await runMinimalAction(rt.path, REPO.noContent));
      startup[k].action.push((await runAction(rt.path, REPO.noContent, 4, receiver)).ms);
    }
  }
  const gitDiff = [];
  for (let r = 0; r < STARTUP_RUNS; r++)
    gitDiff.push(await timed('git', ['diff', '--name-only', REPO.content.base, REPO.content.head], { cwd: REPO.repo, env: CLEAN_ENV }));

  // The content push: every variant once per round, rounds alternating.
  const times = { baseline: [] };
  for (const [k] of RUNTIMES.entries()) for (const c of CONCURRENCY) times[`${k}:${c}`] = [];
  for (let r = 0; r < Math.max(RUNS, BASELINE_RUNS); r++) {
    if (r < BASELINE_RUNS) times.baseline.push(await runBaseline(REPO.content, receiver));
    if (r < RUNS) {
      for (const [k, rt] of RUNTIMES.entries())
        for (const c of CONCURRENCY) times[`${k}:${c}`].push((await runAction(rt.path, REPO.content, c, receiver)).ms);
    }
    console.error(`bench: round ${r + 1} done`);
  }

  // Adversarial against ordinary names, and no names at all (the start-up both include), alternating.
  const adversarial = RUNTIMES.map(() => ({ none: [], ordinary: [], hostile: [] }));
  for (let r = 0; r < ADVERSARIAL_RUNS && ADVERSARIAL_FILES > 0; r++) {
    for (const [k, rt] of RUNTIMES.entries()) {
      adversarial[k].none.push(await runDispatch(rt.path, ['README.md']));
      adversarial[k].ordinary.push(await runDispatch(rt.path, ordinaryNames(ADVERSARIAL_FILES)));
      adversarial[k].hostile.push(await runDispatch(rt.path, adversarialNames(ADVERSARIAL_FILES)));
    }
  }

  const memory = [];
  if (!flags['no-memory']) {
    for (const rt of RUNTIMES)
      memory.push((await runAction(rt.path, REPO.everything, Math.max(...CONCURRENCY), receiver, { memory: true })).peakKb);
  }

  // --- the report ---
  const diffMs = median(gitDiff);
  const baselineMs = times.baseline.length ? median(times.baseline) : undefined;
  const lines = [];
  lines.push(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${LOAD_AT_START.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end.`,
    '',
  );
  lines.push(
    `${FILES} files, a push changing ${CHANGED} (→ ${targets} targets: ${targets - 1} paths + 1 tag), receiver latency ${LATENCY} ms, medians of ${RUNS} alternating runs (baseline: ${BASELINE_RUNS}).`,
    '',
  );
  lines.push('| variant | Node | median | lower bound | ÷ bound | baseline ÷ this |', '| --- | --- | ---: | ---: | ---: | ---: |');
  if (baselineMs !== undefined)
    lines.push(`| baseline: git diff \\| sed \\| while read; curl -X POST (one at a time) | – | ${fmt(baselineMs)} | | | 1.0× |`);
  const verdicts = [];
  for (const [k, rt] of RUNTIMES.entries()) {
    const nodeStart = median(startup[k].bare);
    for (const c of CONCURRENCY) {
      const ms = median(times[`${k}:${c}`]);
      const bound = diffMs + nodeStart + Math.ceil(targets / c) * LATENCY;
      const ratio = ms / bound;
      lines.push(
        `| action, concurrency ${c} | ${rt.version} | ${fmt(ms)} | ${fmt(bound)} | ${ratio.toFixed(2)}× | ${baselineMs !== undefined ? `${(baselineMs / ms).toFixed(1)}×` : '–'} |`,
      );
      verdicts.push({
        what: `within 1.2× of the bound at concurrency ${c} (${rt.version})`,
        ok: ratio <= 1.2,
        value: `${ratio.toFixed(2)}×`,
      });
    }
  }
  const meanHold = receiver.holds.reduce((a, b) => a + b, 0) / Math.max(1, receiver.holds.length);
  lines.push(
    '',
    `Lower bound = git diff (${fmt(diffMs)}) + \`node -e 0\` + ceil(targets ÷ concurrency) × ${LATENCY} ms. The receiver's real hold per request averaged ${meanHold.toFixed(2)} ms (timers fire late), which no client can beat.`,
    '',
  );
  lines.push(
    '| start-up, push changing no content file | Node | `node -e 0` | minimal @actions/core action | action | over the minimal action |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  );
  for (const [k, rt] of RUNTIMES.entries()) {
    const bare = median(startup[k].bare);
    const minimal = median(startup[k].minimal);
    const action = median(startup[k].action);
    lines.push(
      `| medians of ${STARTUP_RUNS} | ${rt.version} | ${fmt(bare)} | ${fmt(minimal)} | ${fmt(action)} | ${fmt(action - minimal)} |`,
    );
    verdicts.push({
      what: `start-up at most 60 ms over the minimal @actions/core action (${rt.version})`,
      ok: action - minimal <= 60,
      value: fmt(action - minimal),
    });
  }
  if (ADVERSARIAL_RUNS > 0 && ADVERSARIAL_FILES > 0) {
    lines.push(
      '',
      `| mapping, dry run of a repository_dispatch push of ${ADVERSARIAL_FILES} files, six-capture patterns | Node | one unmatched file | ${ADVERSARIAL_FILES} ordinary names | ${ADVERSARIAL_FILES} adversarial names (1,000 characters) | adversarial − ordinary |`,
      '| --- | --- | ---: | ---: | ---: | ---: |',
    );
    for (const [k, rt] of RUNTIMES.entries()) {
      const [none, ordinary, hostile] = ['none', 'ordinary', 'hostile'].map((key) => median(adversarial[k][key]));
      lines.push(
        `| medians of ${ADVERSARIAL_RUNS} | ${rt.version} | ${fmt(none)} | ${fmt(ordinary)} | ${fmt(hostile)} | ${fmt(hostile - ordinary)} |`,
      );
      verdicts.push({
        what: `an adversarial push maps within 1 s of an ordinary one (${rt.version})`,
        ok: hostile - ordinary < 1000,
        value: fmt(hostile - ordinary),
      });
    }
  }
  if (memory.length) {
    lines.push(
      '',
      `| peak memory, push changing all ${FILES} files (${FILES + 1} targets, concurrency ${Math.max(...CONCURRENCY)}) | Node | max RSS |`,
      '| --- | --- | ---: |',
    );
    for (const [k, rt] of RUNTIMES.entries()) {
      lines.push(`| action | ${rt.version} | ${(memory[k] / 1024).toFixed(0)} MB |`);
      verdicts.push({
        what: `peak memory under 150 MB (${rt.version})`,
        ok: memory[k] / 1024 < 150,
        value: `${(memory[k] / 1024).toFixed(0)} MB`,
      });
    }
  }
  lines.push('', 'Every variant delivered exactly the expected targets (checked on every run).', '');
  for (const v of verdicts) lines.push(`- ${v.ok ? 'met' : 'MISSED'}: ${v.what}: ${v.value}`);
  console.log(lines.join('\n'));
  execFileSync(process.execPath, [join(ROOT, 'bench/since.mjs'), '--runs', flags.runs], { stdio: 'inherit' }); // since: last-success (issue 16)
  execFileSync(process.execPath, [join(ROOT, 'bench/verify.mjs')], { stdio: 'inherit' }); // verification's cost (issue 15)
  await (
    await import('./batch.mjs')
  ).benchBatch({ files: FILES, changed: CHANGED, latency: LATENCY, runs: RUNS, concurrency: CONCURRENCY[0] });
} finally {
  await receiver.close();
  rmSync(WORK, { recursive: true, force: true });
}
// Front-matter templates next to plain ones on a push changing 22,000 files (bench/frontmatter.mjs).
execFileSync(process.execPath, [join(ROOT, 'bench/frontmatter.mjs'), '--nodes', flags.nodes], { stdio: 'inherit' });
