// Connections: the bundled action (`node dist/index.js`) against the bundle of another commit
// (`--before`, default `main`), alternating, in the same run, on two receivers on 127.0.0.1:
//   - a healthy one, answering each request after `--latency` ms;
//   - the same, taking at most `--max-connections` connections at once: node:net's
//     `server.maxConnections` closes every further one as soon as it is accepted.
// Each run revalidates `--targets` explicit tags (workflow_dispatch) at `--concurrency`.
// Prints, per receiver and bundle, the median wall time, how many targets failed in each run,
// and the connections the receiver dropped.
//
// Flags (all optional): --before main --targets 300 --concurrency 64 --max-connections 4
//   --latency 20 --runs 5 --node node_modules/node/bin/node
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flags = Object.fromEntries(
  process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])),
);
const num = (name, fallback) => {
  const v = Number(flags[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number of at least 1 (got ${flags[name]})`);
  return v;
};
const BEFORE = flags.before ?? 'main';
const TARGETS = num('targets', 300);
const CONCURRENCY = num('concurrency', 64);
const MAX_CONNECTIONS = num('max-connections', 4);
const LATENCY = num('latency', 20);
const RUNS = num('runs', 5);
const NODE = resolve(ROOT, flags.node ?? 'node_modules/node/bin/node');

// --- the bundles: this checkout's dist/, and the one committed at --before ---
const work = mkdtempSync(join(tmpdir(), 'isr-connections-'));
const beforeDir = join(work, 'before');
mkdirSync(beforeDir);
for (const file of execFileSync('git', ['ls-tree', '--name-only', `${BEFORE}:dist`], { cwd: ROOT })
  .toString()
  .split('\n')
  .filter(Boolean)) {
  writeFileSync(join(beforeDir, file), execFileSync('git', ['show', `${BEFORE}:dist/${file}`], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }));
}
const beforeRev = execFileSync('git', ['rev-parse', '--short', BEFORE], { cwd: ROOT }).toString().trim();
const BUNDLES = [
  { name: `before (${BEFORE}, ${beforeRev})`, script: join(beforeDir, 'index.js') },
  { name: 'after (this checkout)', script: join(ROOT, 'dist/index.js') },
];

// --- the receivers ---
async function receiver(maxConnections) {
  let dropped = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"revalidated":true}');
      }, LATENCY),
    );
  });
  if (maxConnections !== undefined) server.maxConnections = maxConnections;
  server.on('drop', () => (dropped += 1));
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  return {
    url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/api/revalidate`,
    dropped: () => dropped,
    close: () => server.close(),
  };
}

// --- one run of the action, as the runner starts it ---
const eventPath = join(work, 'event.json');
writeFileSync(eventPath, '{"inputs":{}}');
const tags = Array.from({ length: TARGETS }, (_, i) => `t${i}`).join(',');

async function once(script, url) {
  const outputPath = join(work, 'output.txt');
  writeFileSync(outputPath, '');
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: work,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: join(work, 'summary.md'),
    GITHUB_WORKSPACE: work,
    INPUT_ENDPOINT: url,
    INPUT_SECRET: 'bench-connections-secret',
    INPUT_TAGS: tags,
    INPUT_CONCURRENCY: String(CONCURRENCY),
  };
  const started = performance.now();
  const child = spawn(NODE, [script], { cwd: work, env, stdio: 'ignore' });
  await new Promise((r) => child.on('close', r));
  const ms = performance.now() - started;
  const revalidated = Number(/^revalidated<<.*\n(\d+)$/m.exec(readFileSync(outputPath, 'utf8'))?.[1] ?? NaN);
  return { ms, failed: TARGETS - revalidated };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const load = () => loadavg()[0].toFixed(1);

console.log(
  `${TARGETS} targets at concurrency ${CONCURRENCY}, receiver latency ${LATENCY} ms, ${RUNS} alternating runs each, Node ${execFileSync(NODE, ['--version']).toString().trim()}, load average ${load()} at the start`,
);
const rows = [];
for (const [label, maxConnections] of [
  ['healthy', undefined],
  [`takes ${MAX_CONNECTIONS} connections`, MAX_CONNECTIONS],
]) {
  const results = BUNDLES.map(() => ({ ms: [], failed: [], dropped: 0 }));
  for (let r = 0; r < RUNS; r++) {
    // Alternate which bundle goes first, so the machine's load falls on both alike.
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const b of order) {
      const server = await receiver(maxConnections);
      const { ms, failed } = await once(BUNDLES[b].script, server.url);
      results[b].ms.push(ms);
      results[b].failed.push(failed);
      results[b].dropped += server.dropped();
      server.close();
    }
  }
  BUNDLES.forEach((bundle, b) => {
    const res = results[b];
    rows.push(
      `| ${label} | ${bundle.name} | ${Math.round(median(res.ms))} ms | ${res.failed.join(', ')} | ${Math.round(res.dropped / RUNS)} |`,
    );
  });
}
console.log(`load average ${load()} at the end\n`);
console.log('| receiver | bundle | median | targets failed, each run | connections dropped (mean) |');
console.log('| --- | --- | ---: | --- | ---: |');
for (const row of rows) console.log(row);
