#!/usr/bin/env node
// A same-run A/B of two or more builds of the action on the push that changes no content file
// (the start-up a micro-optimisation claims to cut; not a test). Build each variant with
// `node scripts/build.mjs DIR`, then:
//   node bench/ab.mjs --runs 31 DIR_A DIR_B [...]
// Runs each DIR/index.js in turn (the order reversed every round, so neither side always goes
// first on a machine whose load drifts) under each Node, and prints per variant the median wall
// time and the median CPU time (user + system, the action and its git processes, from
// /usr/bin/time, in steps of 10 ms), then against the first variant the median of the paired
// differences (each run minus the first variant's run of the same round, so a load that drifts
// between rounds cancels) with their interquartile range.
// The repository is the benchmark's (bench/run.mjs): --files posts, one commit that edits some,
// one that edits only README.md; the checkout's origin names GITHUB_REPOSITORY, as on a runner.
// Flags: --files 20000 --runs 31 --nodes 24,host
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { benchEnv, findRuntimes } from './setup.mjs';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    files: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '31' },
    nodes: { type: 'string', default: '24,host' },
  },
});
const FILES = Number(flags.files);
const RUNS = Number(flags.runs);
if (!Number.isInteger(FILES) || FILES < 1 || !Number.isInteger(RUNS) || RUNS < 1)
  throw new Error('--files and --runs must be whole numbers');
const VARIANTS = positionals.map((dir) => ({ name: basename(resolve(dir)), bundle: join(resolve(dir), 'index.js') }));
if (VARIANTS.length < 2) throw new Error('give two or more build directories (node scripts/build.mjs DIR)');
for (const v of VARIANTS) if (!existsSync(v.bundle)) throw new Error(`${v.bundle} does not exist`);
if (!existsSync('/usr/bin/time')) throw new Error('needs GNU time (/usr/bin/time) for the CPU times');

const RUNTIMES = findRuntimes(flags.nodes);

// The same minimal environment for every process (see bench/README.md).
const { work: WORK, clean: CLEAN_ENV, git: GIT_ENV } = benchEnv('isr-ab-');
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).trim();

function buildRepo() {
  const repo = join(WORK, 'content-repo');
  mkdirSync(join(repo, 'content/blog'), { recursive: true });
  git(repo, 'init', '--quiet', '--initial-branch=main');
  git(repo, 'remote', 'add', 'origin', 'https://github.com/bench/content.git');
  writeFileSync(join(repo, 'README.md'), 'synthetic content repository\n');
  for (let i = 0; i < FILES; i++) writeFileSync(join(repo, `content/blog/post-${i}.md`), `# Post ${i}\n`);
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'posts');
  for (let i = 0; i < FILES; i += 10) writeFileSync(join(repo, `content/blog/post-${i}.md`), `# Post ${i}, edited\n`);
  git(repo, 'commit', '--quiet', '-am', 'edit posts');
  const base = git(repo, 'rev-parse', 'HEAD');
  writeFileSync(join(repo, 'README.md'), 'synthetic content repository, edited\n');
  git(repo, 'commit', '--quiet', '-am', 'readme only');
  return { repo, base, head: git(repo, 'rev-parse', 'HEAD') };
}

const REPO = buildRepo();
// Nothing is sent on this push; a request arriving here is a failure.
let requests = 0;
const server = createServer((_req, res) => {
  requests += 1;
  res.writeHead(500).end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const address = server.address();
const ENDPOINT = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/revalidate`;

/** One run: wall ms (measured here) and CPU ms (user + system of the action and its children). */
function runOnce(node, bundle) {
  const dir = mkdtempSync(join(WORK, 'run-'));
  const eventPath = join(dir, 'event.json');
  writeFileSync(
    eventPath,
    JSON.stringify({
      ref: 'refs/heads/main',
      before: REPO.base,
      after: REPO.head,
      created: false,
      deleted: false,
      repository: { default_branch: 'main' },
    }),
  );
  writeFileSync(join(dir, 'output'), '');
  writeFileSync(join(dir, 'summary'), '');
  const env = {
    ...CLEAN_ENV,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_WORKSPACE: REPO.repo,
    GITHUB_REPOSITORY: 'bench/content',
    RUNNER_TEMP: dir,
    INPUT_ENDPOINT: ENDPOINT,
    INPUT_SECRET: 'bench-secret',
    INPUT_MAPPING: '- files: content/blog/[slug].md\n  paths: /blog/[slug]\n  tags: posts\n',
  };
  const times = join(dir, 'time.txt');
  return new Promise((res, rej) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', times, node, bundle], {
      cwd: REPO.repo,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => {
      const wall = performance.now() - started;
      const [user = NaN, sys = NaN] = (readFileSync(times, 'utf8').trim().split('\n').at(-1) ?? '').split(' ').map(Number);
      const output = readFileSync(join(dir, 'output'), 'utf8');
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) return rej(new Error(`${bundle} exited with ${code}: ${stderr.slice(-2000)}`));
      if (!/changed-files<<[^\n]*\n\["README\.md"\]\n/.test(output))
        return rej(new Error(`${bundle} did not report README.md as the one changed file`));
      res({ wall, cpu: (user + sys) * 1000 });
    });
  });
}

/** The q-quantile (0..1), linear between the two nearest values. */
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
};
const median = (xs) => quantile(xs, 0.5);

const load = loadavg()[0] ?? NaN;
/** @type {{ wall: number[], cpu: number[] }[][]} results[runtime][variant] */
const results = RUNTIMES.map(() => VARIANTS.map(() => ({ wall: [], cpu: [] })));
try {
  for (let r = 0; r < RUNS; r++) {
    for (const [k, rt] of RUNTIMES.entries()) {
      const order = VARIANTS.map((_, i) => i);
      if (r % 2) order.reverse();
      for (const i of order) {
        const { wall, cpu } = await runOnce(rt.path, VARIANTS[i]?.bundle ?? '');
        const into = results[k]?.[i];
        into?.wall.push(wall);
        into?.cpu.push(cpu);
      }
    }
  }
  if (requests > 0) throw new Error(`${requests} request(s) reached the endpoint on a push that changes no content file`);
} finally {
  server.close();
  rmSync(WORK, { recursive: true, force: true });
}

console.log(
  `${FILES} files, a push changing only README.md; medians of ${RUNS} alternating runs; load average ${load.toFixed(1)} → ${(loadavg()[0] ?? NaN).toFixed(1)}`,
);
console.log('');
console.log('| Node | variant | wall | CPU (user + sys) | wall − first, paired (IQR) | CPU − first, paired (IQR) |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
const signed = (d) => `${d >= 0 ? '+' : ''}${d.toFixed(1)}`;
for (const [k, rt] of RUNTIMES.entries()) {
  const byVariant = results[k] ?? [];
  const first = byVariant[0] ?? { wall: [], cpu: [] };
  for (const [i, { wall, cpu }] of byVariant.entries()) {
    /** @param {number[]} xs @param {number[]} ys */
    const paired = (xs, ys) => {
      const d = xs.map((x, r) => x - (ys[r] ?? NaN));
      return i === 0 ? '' : `${signed(median(d))} ms (${signed(quantile(d, 0.25))} … ${signed(quantile(d, 0.75))})`;
    };
    console.log(
      `| ${rt.version} | ${VARIANTS[i]?.name} | ${median(wall).toFixed(1)} ms | ${median(cpu).toFixed(0)} ms | ${paired(wall, first.wall)} | ${paired(cpu, first.cpu)} |`,
    );
  }
}
