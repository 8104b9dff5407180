// What every benchmark script starts from: the Node runtimes to time, and one minimal
// environment for every process (this machine's extra variables, an extra CA bundle for one,
// add tens of milliseconds to each Node start and must not weigh on one side only).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** This machine's own node, past the node_modules/.bin (Node 24) that npm puts first on PATH. */
function hostNode() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir.includes('node_modules')) continue;
    if (existsSync(join(dir, 'node'))) return join(dir, 'node');
  }
  return undefined;
}

/** `24,host` (or paths) → the runtimes found, each with its version. */
export function findRuntimes(spec) {
  const runtimes = spec
    .split(',')
    .map((n) => n.trim())
    .map((n) => (n === '24' ? join(ROOT, 'node_modules/node/bin/node') : n === 'host' ? hostNode() : n))
    .filter((path) => path !== undefined && existsSync(path))
    .map((path) => ({ path, version: execFileSync(path, ['--version'], { env: {} }).toString().trim() }));
  if (runtimes.length === 0) throw new Error('no Node runtime found: run `npm ci` (node_modules/node) or give --nodes /path/to/node');
  return runtimes;
}

/** A work directory, and the clean environments (plain, and for git commits) that use it as HOME. */
export function benchEnv(prefix) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const clean = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: work, LANG: 'C.UTF-8' };
  const git = {
    ...clean,
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.invalid',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  return { work, clean, git };
}
