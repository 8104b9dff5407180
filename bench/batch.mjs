#!/usr/bin/env node
// The batch receiver's benchmark (issue 14; called by bench/run.mjs, and runs alone):
// the bundled action on one push changing CHANGED posts (→ CHANGED paths + 1 tag) against a
// local receiver that speaks both contracts and answers each request after a fixed latency, once
// with `receiver: next-app` (one request per target) and once with `receiver: batch`
// (batch-size 100), next to each one's lower bound: start-up + ceil(requests / concurrency) ×
// latency, where start-up is everything but the sending: the same action on the same push as a
// dry run (node's start, the inputs, the git diff, the mapping, the outputs and summary), measured
// in the same run. Medians of alternating runs.
//
// Alone: node bench/batch.mjs [--files 2000 --changed 2000 --latency 20 --runs 5 --concurrency 4 --nodes 24]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchEnv, findRuntimes } from './setup.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist/index.js');
const SECRET = 'bench-batch-secret';
const BATCH_SIZE = 100;
const MAPPING = `
- files: content/blog/[slug].md
  paths: /blog/[slug]
  tags: posts
`;

/** @param {{ files?: number, changed?: number, latency?: number, runs?: number, concurrency?: number, nodes?: string }} options */
export async function benchBatch(options = {}) {
  const files = options.files ?? 2000;
  const changed = Math.min(options.changed ?? 2000, files);
  const latency = options.latency ?? 20;
  const runs = Math.max(1, options.runs ?? 5);
  const concurrency = options.concurrency ?? 4;
  const [runtime] = findRuntimes(options.nodes ?? '24');
  const { work, clean, git: gitEnv } = benchEnv('isr-bench-batch-');
  const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).trim();

  // The content repository: `files` posts, a push editing `changed` of them, a push editing only README.md.
  const repo = join(work, 'content-repo');
  mkdirSync(join(repo, 'content/blog'), { recursive: true });
  git(repo, 'init', '--quiet', '--initial-branch=main');
  writeFileSync(join(repo, 'README.md'), 'synthetic\n');
  const slug = (i) => `post-${String(i).padStart(5, '0')}`;
  for (let i = 0; i < files; i++) writeFileSync(join(repo, `content/blog/${slug(i)}.md`), `# Post ${i}\n`);
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'posts');
  const c0 = git(repo, 'rev-parse', 'HEAD');
  const step = files / Math.max(1, changed);
  for (let k = 0; k < changed; k++) writeFileSync(join(repo, `content/blog/${slug(Math.floor(k * step))}.md`), `# Post, edited\n`);
  git(repo, 'commit', '--quiet', '-am', 'edit posts');
  const c1 = git(repo, 'rev-parse', 'HEAD');
  writeFileSync(join(repo, 'README.md'), 'synthetic, edited\n');
  git(repo, 'commit', '--quiet', '-am', 'readme');
  const c2 = git(repo, 'rev-parse', 'HEAD');
  const targets = changed + 1;

  // The receiver: the single body or the batch body, answered after `latency` ms.
  let received = 0;
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        requests += 1;
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (req.headers['x-revalidation-secret'] !== SECRET) return res.writeHead(401).end();
        const list = Array.isArray(body.targets) ? body.targets : [body];
        received += list.length;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            Array.isArray(body.targets)
              ? { revalidated: true, results: list.map((t) => ({ ...t, revalidated: true })) }
              : { revalidated: true },
          ),
        );
      }, latency);
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/api/revalidate`;

  const run = (base, head, receiver, dryRun = false) =>
    new Promise((res, rej) => {
      const dir = mkdtempSync(join(work, 'run-'));
      writeFileSync(
        join(dir, 'event.json'),
        JSON.stringify({ ref: 'refs/heads/main', before: base, after: head, created: false, deleted: false }),
      );
      writeFileSync(join(dir, 'output'), '');
      const env = {
        ...clean,
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: join(dir, 'event.json'),
        GITHUB_OUTPUT: join(dir, 'output'),
        GITHUB_WORKSPACE: repo,
        RUNNER_TEMP: dir,
        INPUT_ENDPOINT: url,
        INPUT_SECRET: SECRET,
        INPUT_MAPPING: MAPPING,
        INPUT_CONCURRENCY: String(concurrency),
        INPUT_RECEIVER: receiver,
        'INPUT_BATCH-SIZE': String(BATCH_SIZE),
        'INPUT_DRY-RUN': String(dryRun),
      };
      received = 0;
      requests = 0;
      const started = performance.now();
      const child = spawn(
        runtime.path,
        [
          ...(process.env.BENCH_PROF && receiver === 'batch' && !dryRun ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
          DIST,
        ],
        { cwd: repo, env, stdio: ['ignore', process.env.BENCH_TRACE ? 'pipe' : 'ignore', 'ignore'] },
      );
      if (process.env.BENCH_TRACE) {
        let buf = '';
        child.stdout.on('data', (d) => {
          buf += d;
          const lines = buf.split('\n');
          buf = lines.pop();
          for (const l of lines)
            if (/sending|^::group::|^::endgroup|revalidated, /.test(l))
              console.error(`${Math.round(performance.now() - started)} ms ${l.slice(0, 80)}`);
        });
      }
      child.on('close', (code) => {
        const ms = performance.now() - started;
        const outputs = readFileSync(join(dir, 'output'), 'utf8');
        rmSync(dir, { recursive: true, force: true });
        const expected = head === c1 && !dryRun ? targets : 0;
        if (code !== 0 || received !== expected || !outputs.includes(`\n${expected}\n`)) {
          rej(new Error(`${receiver}: exit ${code}, ${received} of ${expected} targets received`));
        } else res({ ms, requests });
      });
    });

  const samples = { startup: [], 'next-app': [], batch: [] };
  const sent = {};
  try {
    await run(c1, c2, 'next-app'); // warm the file cache
    for (let i = 0; i < runs; i++) {
      samples.startup.push((await run(c0, c1, 'batch', true)).ms);
      for (const receiver of i % 2 ? ['batch', 'next-app'] : ['next-app', 'batch']) {
        const r = await run(c0, c1, receiver);
        samples[receiver].push(r.ms);
        sent[receiver] = r.requests;
      }
    }
  } finally {
    await new Promise((r) => server.close(r));
    rmSync(work, { recursive: true, force: true });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const startup = median(samples.startup);
  const lines = [
    '',
    `batch receiver: ${files} files, a push changing ${changed} (→ ${targets} targets), receiver latency ${latency} ms, concurrency ${concurrency}, batch-size ${BATCH_SIZE}, ${runtime.version}, medians of ${runs} alternating runs; start-up (the same push as a dry run: everything but the sending) ${Math.round(startup)} ms`,
    '',
    '| receiver | requests | wall time | lower bound (start-up + ⌈requests ÷ concurrency⌉ × latency) | ratio |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  const verdicts = [];
  for (const receiver of ['next-app', 'batch']) {
    const ms = median(samples[receiver]);
    const bound = startup + Math.ceil(sent[receiver] / concurrency) * latency;
    lines.push(`| ${receiver} | ${sent[receiver]} | ${Math.round(ms)} ms | ${Math.round(bound)} ms | ${(ms / bound).toFixed(2)}× |`);
    if (receiver === 'batch')
      verdicts.push(`- ${ms / bound <= 1.1 ? 'met' : 'MISSED'}: batch within 1.1× of its lower bound: ${(ms / bound).toFixed(2)}×`);
  }
  lines.push(`| batch vs next-app | | ${(median(samples['next-app']) / median(samples.batch)).toFixed(1)}× faster | | |`, '', ...verdicts);
  console.log(lines.join('\n'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '2000' },
      changed: { type: 'string', default: '2000' },
      latency: { type: 'string', default: '20' },
      runs: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '4' },
      nodes: { type: 'string', default: '24' },
    },
  });
  await benchBatch({
    files: Number(values.files),
    changed: Number(values.changed),
    latency: Number(values.latency),
    runs: Number(values.runs),
    concurrency: Number(values.concurrency),
    nodes: values.nodes,
  });
}
