/**
 * The local git source: tree diff of two commits, fetching either one by SHA (depth 1) when a
 * shallow checkout lacks it. git runs with an argument vector, never through a shell, and every
 * path comes from `-z` output, so any file name works.
 */
import { spawn } from 'node:child_process';
import type { ChangedFile, FileStatus } from '../types.js';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class GitError extends Error {}

/** Runs git in `cwd`. `safe.directory` keeps a workspace owned by another user (containers) readable. */
export function runGit(cwd: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', `safe.directory=${cwd}`, '-c', 'core.quotepath=off', ...args], {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new GitError(`could not run git: ${e.message}`)));
    child.on('close', (code) => {
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8').trim() });
    });
  });
}

export async function isGitCheckout(cwd: string): Promise<boolean> {
  try {
    const r = await runGit(cwd, ['rev-parse', '--is-inside-work-tree']);
    return r.code === 0 && r.stdout.trim() === 'true';
  } catch {
    return false;
  }
}

async function hasCommit(cwd: string, rev: string): Promise<boolean> {
  const r = await runGit(cwd, ['cat-file', '-e', `${rev}^{commit}`]);
  return r.code === 0;
}

/** `abc^1` needs `abc` with one parent: fetch at depth 2 for those. */
function fetchSpec(rev: string): { sha: string; depth: number } | undefined {
  const m = /^([0-9a-f]{40}(?:[0-9a-f]{24})?)(\^1?)?$/i.exec(rev);
  if (!m || m[1] === undefined) return undefined;
  return { sha: m[1], depth: m[2] ? 2 : 1 };
}

/**
 * Makes sure both commits are present, fetching a missing one by SHA from `origin`.
 * Fails naming the commit that could not be had: never a silently narrower diff.
 */
export async function ensureCommits(cwd: string, revs: string[]): Promise<string[]> {
  const fetched: string[] = [];
  for (const rev of revs) {
    if (await hasCommit(cwd, rev)) continue;
    const spec = fetchSpec(rev);
    if (!spec) throw new GitError(`commit ${rev} is not in the checkout, and only a full commit SHA can be fetched`);
    const r = await runGit(cwd, ['fetch', '--no-tags', '--no-write-fetch-head', '--quiet', `--depth=${spec.depth}`, 'origin', spec.sha]);
    if (r.code !== 0 || !(await hasCommit(cwd, rev))) {
      throw new GitError(`commit ${spec.sha} is not in the checkout and could not be fetched from origin: ${lastLine(r.stderr) || `git exited with ${r.code}`}`);
    }
    fetched.push(spec.sha);
  }
  return fetched;
}

const DIFF_ARGS = ['diff', '--name-status', '-z', '--find-renames', '--no-ext-diff', '--no-textconv', '--no-relative'];

export async function diffCommits(cwd: string, base: string, head: string): Promise<ChangedFile[]> {
  const r = await runGit(cwd, [...DIFF_ARGS, base, head, '--']);
  if (r.code !== 0) throw new GitError(`git diff ${base} ${head} failed: ${lastLine(r.stderr)}`);
  return parseNameStatus(r.stdout);
}

/** The diff when `cwd` is a checkout holding both commits; undefined (not an error) otherwise. */
export async function tryDiffCommits(cwd: string, base: string, head: string): Promise<ChangedFile[] | undefined> {
  try {
    const r = await runGit(cwd, [...DIFF_ARGS, base, head, '--']);
    return r.code === 0 ? parseNameStatus(r.stdout) : undefined;
  } catch {
    return undefined;
  }
}

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
  U: 'unmerged',
};

/** Parses `git diff --name-status -z`: `M\0path\0`, `R087\0old\0new\0`. */
export function parseNameStatus(output: string): ChangedFile[] {
  const fields = output.split('\0');
  const files: ChangedFile[] = [];
  let i = 0;
  while (i < fields.length) {
    const code = fields[i];
    if (code === undefined || code === '') break;
    const letter = code[0] ?? '';
    const status = STATUS[letter] ?? 'unknown';
    if (letter === 'R' || letter === 'C') {
      const previousPath = fields[i + 1] ?? '';
      const path = fields[i + 2] ?? '';
      files.push({ path, status, previousPath });
      i += 3;
    } else {
      files.push({ path: fields[i + 1] ?? '', status });
      i += 2;
    }
  }
  return files;
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}
