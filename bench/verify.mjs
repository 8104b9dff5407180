#!/usr/bin/env node
// Verification's cost (issue 15): the bundled action (`node dist/index.js`) revalidating `--paths`
// explicit paths (workflow_dispatch) at `--concurrency`, with `verify` off and on, alternating, in
// the same run, against one server on 127.0.0.1 that is both the endpoint and the site: it answers
// every request after `--latency` ms, and every page with `x-nextjs-cache: MISS` (fresh at once).
// Prints the median wall time of each, the difference, and its floor: two GETs per path (the
// snapshot before delivery and the visit after), ceil(paths / concurrency) × latency each.
//
// Flags (all optional): --paths 200 --concurrency 4 --latency 20 --runs 3 --node node_modules/node/bin/node
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values: flags } = parseArgs({
  options: {
    paths: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
    latency: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    node: { type: 'string', default: 'node_modules/node/bin/node' },
  },
});
const [PATHS, CONCURRENCY, LATENCY, RUNS] = ['paths', 'concurrency', 'latency', 'runs'].map((name) => {
  const v = Number(flags[name]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number of at least 1 (got ${flags[name]})`);
  return v;
});
const NODE = resolve(ROOT, flags.node);

let gets = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () =>
    setTimeout(() => {
      if (req.method === 'GET') gets += 1;
      const json = req.method === 'POST';
      res.writeHead(200, json ? { 'content-type': 'application/json' } : { 'content-type': 'text/html', 'x-nextjs-cache': 'MISS' });
      res.end(json ? '{"revalidated":true}' : '<h1>page</h1>');
    }, LATENCY),
  );
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const origin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
const work = mkdtempSync(join(tmpdir(), 'isr-verify-bench-'));
writeFileSync(join(work, 'event.json'), '{"inputs":{}}');
const paths = Array.from({ length: PATHS }, (_, i) => `/page/${i}`).join('\n');

/** One run of the action; its wall time in ms, after checking what it reported. */
async function run(verify) {
  const output = join(work, `output-${verify}.txt`);
  writeFileSync(output, '');
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: work,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: join(work, 'event.json'),
    GITHUB_OUTPUT: output,
    GITHUB_WORKSPACE: work,
    INPUT_ENDPOINT: `${origin}/api/revalidate`,
    INPUT_SECRET: 'bench-secret',
    INPUT_PATHS: paths,
    INPUT_CONCURRENCY: String(CONCURRENCY),
    INPUT_VERIFY: String(verify),
  };
  const start = performance.now();
  const child = spawn(NODE, [join(ROOT, 'dist/index.js')], { env, stdio: 'ignore' });
  const code = await new Promise((r) => child.on('close', r));
  const ms = performance.now() - start;
  const outputs = readFileSync(output, 'utf8');
  const expected = verify ? String(PATHS) : '0';
  if (code !== 0 || !outputs.includes(`verified<<`) || !new RegExp(`^${expected}$`, 'm').test(outputs.split('verified<<')[1] ?? '')) {
    throw new Error(`a run with verify ${verify} did not report ${expected} verified paths (exit ${code})`);
  }
  return ms;
}

const times = { off: [], on: [] };
try {
  for (let r = 0; r < RUNS; r++) {
    times.off.push(await run(false));
    gets = 0;
    times.on.push(await run(true));
    if (gets !== 2 * PATHS) throw new Error(`verify made ${gets} GETs for ${PATHS} paths; expected ${2 * PATHS}`);
  }
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const off = median(times.off);
const on = median(times.on);
const floor = 2 * Math.ceil(PATHS / CONCURRENCY) * LATENCY;
console.log(
  [
    '',
    `verify: ${PATHS} paths, concurrency ${CONCURRENCY}, ${LATENCY} ms per request, median of ${RUNS} alternating runs (load ${loadavg()[0].toFixed(1)})`,
    '',
    '| run | wall time |',
    '| --- | ---: |',
    `| verify off (baseline) | ${off.toFixed(0)} ms |`,
    `| verify on | ${on.toFixed(0)} ms |`,
    `| difference | ${(on - off).toFixed(0)} ms |`,
    `| floor of the difference: 2 GETs per path, ${CONCURRENCY} at a time | ${floor} ms |`,
    '',
    `Every verifying run reported ${PATHS} paths verified fresh, with exactly ${2 * PATHS} GETs (snapshot + visit).`,
  ].join('\n'),
);
