/**
 * The local git source: tree diff of two commits in the workspace's checkout, fetching what a
 * shallow checkout (actions/checkout's default depth 1) lacks by SHA from `origin`. git runs with
 * an argument vector, never through a shell, revisions come after `--end-of-options`, and every
 * path comes from `-z` output, so any file name works.
 */
import { spawn } from 'node:child_process';
import { clip, printable, withoutCredentials } from '../text.js';
import type { ChangedFile, FileStatus } from '../types.js';
import { COMMIT_ID } from './event.js';
import { UnreadableCommit, type CommitInfo, type Source } from './source.js';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class GitError extends Error {
  override name = 'GitError';
}

/**
 * Runs git in `cwd`. `safe.directory` (only honoured from the command line or global config)
 * keeps a workspace owned by another user readable, as in containers where the checkout was
 * made by the runner's user; it names just this directory, not `*`.
 */
export function runGit(cwd: string, args: string[], input?: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', `safe.directory=${cwd}`, '-c', 'core.quotepath=off', ...args], {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', GIT_ASKPASS: '', SSH_ASKPASS: '', LC_ALL: 'C' },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    // Input for `--batch-check`. A git that exits before reading all its input (a failure) must
    // not fail the write: its exit code says what went wrong.
    child.stdin?.on('error', () => {}).end(input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new GitError(`could not run git: ${e.message}`)));
    child.on('close', (code) => {
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8').trim() });
    });
  });
}

export type CheckoutState = { ok: true; root: string; present: Set<string> } | { ok: false; reason: string };

/**
 * Whether `cwd` is a checkout of `repository` (owner/name). A checkout whose `origin` points at
 * another repository on the same GitHub server does not count: its history is not the event's.
 * Also tells which of `commits` (full ids) the checkout already has (`present`).
 *
 * Each git process costs a start-up of its own, and on a push these questions were most of the
 * action's own start-up (bench/README.md): the origin's URL is asked alongside, and the commits in
 * the same `rev-parse` as the work tree. When a commit is missing (a shallow checkout) that
 * rev-parse fails as a whole; then the work tree and the commits are asked apart.
 */
export async function checkoutState(cwd: string, repository?: string, serverUrl = 'https://github.com', commits: string[] = []): Promise<CheckoutState> {
  const wanted = wantedCommits(commits);
  // The URL is only looked at once rev-parse has said this is a checkout.
  const originQuery = repository ? runGit(cwd, ['config', '--get', 'remote.origin.url']).catch(() => undefined) : undefined;
  const treeArgs = ['rev-parse', '--is-inside-work-tree', '--show-toplevel'];
  let r: GitResult;
  let present = new Set<string>();
  try {
    // Ids are hex (checked by wantedCommits), so none can pass for an option.
    r = await runGit(cwd, wanted.length > 0 ? [...treeArgs, ...wanted.map((id) => `${id}^{commit}`), '--'] : treeArgs);
    if (r.code === 0) {
      const ids = r.stdout.split('\n').slice(2);
      present = new Set(wanted.filter((id, i) => ids[i] === id));
    } else if (wanted.length > 0) {
      [r, present] = await Promise.all([runGit(cwd, treeArgs), presentCommits(cwd, wanted)]);
    }
  } catch (e) {
    await originQuery;
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const origin = await originQuery;
  if (r.code !== 0) return { ok: false, reason: `${cwd} is not a git checkout (${gitMessage(r.stderr) || `git exited with ${r.code}`})` };
  const [inside, root] = r.stdout.split('\n');
  if (inside !== 'true' || !root) return { ok: false, reason: `${cwd} is not inside a git work tree` };
  if (repository && origin) {
    const other = origin.code === 0 ? otherRepository(origin.stdout.trim(), repository, serverUrl) : undefined;
    if (other) return { ok: false, reason: `${cwd} is a checkout of ${other}, not of ${repository}` };
  }
  return { ok: true, root, present };
}

/** Full commit ids only (a branch name is resolved later), lower case, each once. */
function wantedCommits(ids: string[]): string[] {
  return [...new Set(ids.filter((id) => COMMIT_ID.test(id)).map((id) => id.toLowerCase()))];
}

/** The owner/name an origin URL on the GitHub server names, when it differs from `repository`. */
export function otherRepository(originUrl: string, repository: string, serverUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(serverUrl).host.toLowerCase();
  } catch {
    return undefined;
  }
  // https://host/owner/name(.git), ssh://git@host/owner/name, git@host:owner/name.git
  const m = /^(?:[a-z+]+:\/\/(?:[^@/]*@)?([^/]+)\/|[^@/]+@([^:/]+):)([^/]+\/[^/]+?)(?:\.git)?\/?$/i.exec(originUrl);
  if (!m) return undefined;
  const urlHost = (m[1] ?? m[2] ?? '').toLowerCase();
  const named = m[3] ?? '';
  if (urlHost !== host) return undefined;
  return named.toLowerCase() === repository.toLowerCase() ? undefined : named;
}

/**
 * Which of `ids` (full commit ids) the repository at `cwd` has as commits, in one
 * `git cat-file --batch-check` instead of one `cat-file -e` per commit. Any failure (not a
 * repository, an old git) answers "none known": the caller then checks them one by one.
 */
export async function presentCommits(cwd: string, ids: string[]): Promise<Set<string>> {
  const wanted = wantedCommits(ids);
  const found = new Set<string>();
  if (wanted.length === 0) return found;
  let r: GitResult;
  try {
    r = await runGit(cwd, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], wanted.map((id) => `${id}^{commit}\n`).join(''));
  } catch {
    return found;
  }
  if (r.code !== 0) return found;
  // One line per input line, in order: "<id> commit", or "<input> missing" (or ambiguous).
  const lines = r.stdout.split('\n');
  wanted.forEach((id, i) => {
    if (lines[i] === `${id} commit`) found.add(id);
  });
  return found;
}

/** The checkout as a change source. Fetches by SHA into the checkout's object store when needed. */
export class GitSource implements Source {
  readonly name = 'git' as const;
  /** Commits fetched from origin, in order, for the log. */
  readonly fetched: string[] = [];
  private emptyTree: string | undefined;

  constructor(
    readonly cwd: string,
    private readonly log: (line: string) => void = () => {},
    /** What collect.ts already asked git while checking the checkout: each git process costs a start-up. */
    private readonly hints: GitHints = {},
  ) {
    for (const id of hints.present ?? []) this.present.add(id.toLowerCase());
  }

  private git(args: string[]): Promise<GitResult> {
    return runGit(this.cwd, args);
  }

  /**
   * Commits already found in the checkout: `diff` resolves again what the range resolution just
   * did, and each git process costs a start-up of its own (bench/README.md). Found stays found.
   */
  private readonly present = new Set<string>();

  private async has(rev: string): Promise<boolean> {
    if (this.present.has(rev)) return true;
    const found = (await this.git(['cat-file', '-e', `${rev}^{commit}`])).code === 0;
    if (found) this.present.add(rev);
    return found;
  }

  /** Fetches `spec` (a SHA or ref) from origin at the given depth; throws naming `commit` on failure. */
  private async fetch(spec: string, depth: number | 'unshallow', commit: string, extra: string[] = []): Promise<void> {
    const depthArgs = depth === 'unshallow' ? ((await this.isShallow()) ? ['--unshallow'] : []) : [`--depth=${depth}`];
    const r = await this.git(['fetch', '--no-tags', '--no-write-fetch-head', '--quiet', '--no-recurse-submodules', ...depthArgs, 'origin', spec, ...extra]);
    if (r.code !== 0) {
      throw new UnreadableCommit(commit, 'git', `it is not in the checkout and fetching it from origin failed: ${gitMessage(r.stderr) || `git exited with ${r.code}`}`, true);
    }
    this.fetched.push(spec);
  }

  private async isShallow(): Promise<boolean> {
    return (await this.git(['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
  }

  async resolve(rev: string): Promise<string> {
    const parent = /^(.+)\^1?$/.exec(rev);
    if (parent?.[1]) return this.ancestor(await this.resolve(parent[1]), 1);
    if (COMMIT_ID.test(rev)) {
      const id = rev.toLowerCase();
      if (!(await this.has(id))) {
        await this.fetch(id, 1, id);
        if (!(await this.has(id))) throw new UnreadableCommit(id, 'git', 'origin did not send it');
        this.log(`fetched ${id} from origin (the checkout did not have it)`);
      }
      return id;
    }
    // A branch or tag name (inputs base/head): local, then origin's, then fetched.
    for (const candidate of [rev, `refs/remotes/origin/${rev}`]) {
      const r = await this.git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`]);
      if (r.code === 0) return r.stdout.trim();
    }
    const local = `refs/isr-revalidate/${rev.replace(/[^A-Za-z0-9._/-]/g, '_')}`;
    await this.fetch(`+${rev}:${local}`, 1, rev);
    this.log(`fetched ${rev} from origin`);
    const r = await this.git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${local}^{commit}`]);
    if (r.code !== 0) throw new UnreadableCommit(rev, 'git', 'it names no commit');
    return r.stdout.trim();
  }

  async commit(id: string): Promise<CommitInfo> {
    const full = await this.resolve(id);
    const r = await this.git(['cat-file', 'commit', full]);
    if (r.code !== 0) throw new UnreadableCommit(full, 'git', gitMessage(r.stderr));
    return parseCommit(full, r.stdout);
  }

  async ancestor(id: string, n: number): Promise<string> {
    const full = await this.resolve(id);
    if (n === 0) return full;
    const walk = async () => this.git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${full}~${n}^{commit}`]);
    let r = await walk();
    if (r.code !== 0) {
      // A shallow checkout stops history at its boundary: deepen exactly as far as needed.
      await this.fetch(full, n + 1, `${full}~${n}`);
      r = await walk();
      if (r.code === 0) this.log(`fetched ${n + 1} commit(s) of history up to ${full}`);
    }
    if (r.code !== 0) throw new UnreadableCommit(`${full}~${n}`, 'git', `${full} has fewer than ${n} first-parent ancestors`);
    return r.stdout.trim();
  }

  async mergeBase(branch: string, head: string): Promise<string | undefined> {
    const tip = await this.resolve(head);
    const remote = `refs/remotes/origin/${branch}`;
    // The merge base can lie anywhere in history: a shallow checkout needs all of both lines.
    await this.fetch(`+refs/heads/${branch}:${remote}`, 'unshallow', `${branch} (the default branch)`, [tip]);
    this.log(`fetched the history of ${branch} and ${tip} from origin to find their merge base`);
    const r = await this.git(['merge-base', '--end-of-options', remote, tip]);
    if (r.code === 1 && r.stdout.trim() === '') return undefined;
    if (r.code !== 0) throw new UnreadableCommit(tip, 'git', `git merge-base failed: ${gitMessage(r.stderr)}`);
    return r.stdout.trim();
  }

  async diff(base: string | null, head: string): Promise<ChangedFile[]> {
    const to = await this.resolve(head);
    const from = base === null ? await this.emptyTreeId() : await this.resolve(base);
    const r = await this.git(diffArgs(from, to));
    if (r.code !== 0) throw new GitError(`git diff ${from} ${to} failed: ${gitMessage(r.stderr)}`);
    return parseNameStatus(r.stdout);
  }

  /** The empty tree in this repository's object format (SHA-1 or SHA-256). */
  private async emptyTreeId(): Promise<string> {
    if (!this.emptyTree) {
      const r = await this.git(['hash-object', '-t', 'tree', '-w', '--stdin']);
      if (r.code !== 0) throw new GitError(`cannot write the empty tree: ${gitMessage(r.stderr)}`);
      this.emptyTree = r.stdout.trim();
    }
    return this.emptyTree;
  }
}

/**
 * The tree diff of two commits as the git source reads it: every path from the repository's
 * root (`--no-relative`), so it is the same run from any directory of the checkout.
 */
export function diffArgs(from: string, to: string): string[] {
  return ['diff', '--name-status', '-z', '--find-renames', '--ignore-submodules=none', '--no-ext-diff', '--no-textconv', '--no-relative', '--end-of-options', from, to, '--'];
}

export interface GitHints {
  /** Commits already known to be in the checkout (checkoutState()): not asked again. */
  present?: Iterable<string>;
}

/** Parses `git cat-file commit` output. */
export function parseCommit(id: string, text: string): CommitInfo {
  const split = text.indexOf('\n\n');
  const header = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? '' : text.slice(split + 2);
  const parents: string[] = [];
  let author = '';
  for (const line of header.split('\n')) {
    if (line.startsWith('parent ')) parents.push(line.slice(7).trim());
    else if (line.startsWith('author ')) author = line.slice(7);
  }
  return { id, parents, authored: authoredKey(authorFromLine(author), message) };
}

function authorFromLine(line: string): { name: string; email: string; date: string } {
  // "Name <email> 1700000000 +0100"
  const m = /^(.*?) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: '', date: '' };
  return { name: m[1] ?? '', email: m[2] ?? '', date: new Date(Number(m[3]) * 1000).toISOString() };
}

/** What a rebase keeps of a commit: author, author date (to the second) and message. */
export function authoredKey(author: { name: string; email: string; date: string }, message: string): string {
  const date = Number.isNaN(Date.parse(author.date)) ? author.date : new Date(Date.parse(author.date)).toISOString();
  return JSON.stringify([author.name, author.email.toLowerCase(), date, message.replace(/\s+$/, '')]);
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

/**
 * What git said, for a message: its `fatal:` and `error:` lines, which say what went wrong (the
 * lines after them are advice for a terminal: "Please make sure you have the correct access
 * rights"), or the last line when it has none. Escaped, and any URL without its credentials.
 */
export function gitMessage(stderr: string): string {
  const lines = stderr
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const meaningful = lines.filter((l) => /^(fatal|error):/i.test(l));
  const chosen = meaningful.length > 0 ? meaningful.slice(0, 3) : lines.slice(-1);
  // Without git's closing full stop: the message goes on after it.
  return chosen.map((l) => printable(clip(withoutCredentials(l.replace(/\.$/, '')), 300))).join('; ');
}
