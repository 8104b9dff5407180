#!/usr/bin/env node
// Front-matter templates (`npm run bench` runs this after the main benchmark; it also runs
// alone). On one synthetic repository of --files posts, each with YAML front matter, two pushes
// change every post: one edits the bodies only (the front matter is the same at both sides),
// one also changes every post's tags. The bundled action (`node dist/index.js`, dry run, as the
// runner starts it) maps each push with plain templates and with front-matter ones, alternating,
// in the same run:
//   - plain:        paths /blog/[file],              tags posts
//   - front matter: paths /blog/[fm.slug ?? file],   tags posts, tag:[fm.tags], author:[fm.author.id]
// The front-matter run reads every changed post at both sides (2 × --files files: one ls-tree
// and one `git cat-file --batch` per side) and parses them (once, when both sides' front
// matter is the same). The repository is packed, as a clone is. Prints the medians, the difference and the
// ratio, and checks both runs mapped exactly the expected targets.
//
// Flags (all optional): --files 22000 --runs 5 --nodes 24,host
// A quick look: node bench/frontmatter.mjs --files 2000 --runs 3 --nodes 24
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { benchEnv, findRuntimes } from './setup.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist/index.js');
const { values: flags } = parseArgs({
  options: {
    files: { type: 'string', default: '22000' },
    runs: { type: 'string', default: '5' },
    nodes: { type: 'string', default: '24,host' },
  },
});
const FILES = Number(flags.files);
const RUNS = Number(flags.runs);
if (!Number.isInteger(FILES) || FILES < 1 || !Number.isInteger(RUNS) || RUNS < 1)
  throw new Error('--files and --runs must be whole numbers of at least 1');
const RUNTIMES = findRuntimes(flags.nodes);
const { work: WORK, clean: CLEAN_ENV, git: GIT_ENV } = benchEnv('isr-bench-fm-');

const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).trim();
const name = (i) => `post-${String(i).padStart(5, '0')}`;
const post = (i, version, tagShift) =>
  `---\ntitle: Post ${i}\nslug: s-${i}\ndate: 2024-03-01\ntags: [all, t${(i + tagShift) % 50}]\nauthor:\n  id: a${i % 10}\n---\n\n# Post ${i}\n\nbody ${i}, version ${version}\n`;

function buildRepo() {
  const repo = join(WORK, 'content-repo');
  mkdirSync(join(repo, 'content/blog'), { recursive: true });
  git(repo, 'init', '--quiet', '--initial-branch=main');
  // No gc in the background while the runs are timed: the repository is packed once, below.
  git(repo, 'config', 'gc.auto', '0');
  const commit = (version, tagShift) => {
    for (let i = 0; i < FILES; i++) writeFileSync(join(repo, `content/blog/${name(i)}.md`), post(i, version, tagShift));
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', `version ${version}`);
    return git(repo, 'rev-parse', 'HEAD');
  };
  const c0 = commit(0, 0);
  const c1 = commit(1, 0); // bodies only
  const c2 = commit(2, 1); // bodies and tags
  git(repo, 'gc', '--quiet');
  return {
    repo,
    pushes: [
      { what: 'bodies edited, front matter the same', base: c0, head: c1, tags: 2 + Math.min(50, FILES) + Math.min(10, FILES) },
      { what: "bodies and every post's tags edited", base: c1, head: c2, tags: 2 + Math.min(50, FILES + 1) + Math.min(10, FILES) },
    ],
  };
}

const VARIANTS = {
  plain: {
    mapping: '- files: content/blog/[file].md\n  paths: /blog/[file]\n  tags: posts\n',
    paths: FILES,
    tags: 1,
  },
  'front matter': {
    mapping:
      '- files: content/blog/[file].md\n  paths: "/blog/[fm.slug ?? file]"\n  tags: [posts, "tag:[fm.tags]", "author:[fm.author.id]"]\n',
    paths: FILES,
    // posts, tag:all, the tags each side used (t0…t49), the authors (a0…a9): set per push
    tags: undefined,
  },
};

function timed(command, args, options) {
  return new Promise((res, rej) => {
    const started = performance.now();
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) =>
      code === 0 ? res(performance.now() - started) : rej(new Error(`${command} exited with ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

async function runAction(node, repo, push, variant) {
  const dir = mkdtempSync(join(WORK, 'run-'));
  writeFileSync(
    join(dir, 'event.json'),
    JSON.stringify({ ref: 'refs/heads/main', before: push.base, after: push.head, created: false, deleted: false }),
  );
  writeFileSync(join(dir, 'output'), '');
  writeFileSync(join(dir, 'summary'), '');
  const env = {
    ...CLEAN_ENV,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_WORKSPACE: repo.repo,
    RUNNER_TEMP: dir,
    'INPUT_DRY-RUN': 'true',
    INPUT_MAPPING: VARIANTS[variant].mapping,
    'INPUT_MAX-TARGETS': String(FILES * 2 + 100),
  };
  const ms = await timed(node, [DIST], { cwd: repo.repo, env });
  const outputs = readFileSync(join(dir, 'output'), 'utf8');
  const list = (key) => JSON.parse(new RegExp(`${key}<<(\\S+)\\n([^\\n]*)\\n`).exec(outputs)?.[2] ?? '[]');
  const [paths, tags] = [list('paths'), list('tags')];
  const wantTags = VARIANTS[variant].tags ?? push.tags;
  if (paths.length !== VARIANTS[variant].paths || tags.length !== wantTags)
    throw new Error(
      `${variant}: mapped ${paths.length} paths and ${tags.length} tags, expected ${VARIANTS[variant].paths} and ${wantTags}`,
    );
  if (variant === 'front matter' && paths[0] !== '/blog/s-0') throw new Error(`front matter: the first path is ${paths[0]}, not /blog/s-0`);
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms) => `${Math.round(ms)} ms`;

try {
  const repo = buildRepo();
  const lines = [
    `front matter: pushes changing all ${FILES} posts (YAML front matter, read at both sides), dry run, medians of ${RUNS} alternating runs; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`,
    '',
    '| push | Node | plain templates | front-matter templates | difference | ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  const verdicts = [];
  for (const push of repo.pushes) {
    for (const rt of RUNTIMES) {
      const times = { plain: [], 'front matter': [] };
      await runAction(rt.path, repo, push, 'front matter'); // warm the page cache
      for (let r = 0; r < RUNS; r++)
        for (const variant of Object.keys(times)) times[variant].push(await runAction(rt.path, repo, push, variant));
      const plain = median(times.plain);
      const fm = median(times['front matter']);
      lines.push(`| ${push.what} | ${rt.version} | ${fmt(plain)} | ${fmt(fm)} | ${fmt(fm - plain)} | ${(fm / plain).toFixed(2)}× |`);
      verdicts.push(`- ${fm <= 2000 ? 'met' : 'MISSED'}: front-matter run at most 2 s (${push.what}, ${rt.version}): ${fmt(fm)}`);
      verdicts.push(
        `- ${fm <= 3 * plain ? 'met' : 'MISSED'}: at most 3× the plain run (${push.what}, ${rt.version}): ${(fm / plain).toFixed(2)}×`,
      );
    }
  }
  lines.push('', 'Both variants mapped exactly the expected paths and tags (checked on every run).', '', ...verdicts);
  console.log(lines.join('\n'));
} finally {
  rmSync(WORK, { recursive: true, force: true });
}
