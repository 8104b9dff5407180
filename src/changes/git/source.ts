/**
 * The local git source: tree diff of two commits in the workspace's checkout, fetching what a
 * shallow checkout (actions/checkout's default depth 1) lacks by SHA from `origin`. Revisions
 * come after `--end-of-options`, and every path comes from `-z` output, so any file name works.
 */
import type { ChangedFile } from '../../types.js';
import { COMMIT_ID, UnreadableCommit, type CommitInfo, type FileRead, type KeepPart, type Source } from '../source.js';
import { readBlobs } from './blobs.js';
import { checkoutState } from './checkout.js';
import { diffArgs, parseCommit, parseNameStatus } from './parse.js';
import { GitError, gitMessage, runGit, type GitResult } from './run.js';

export interface OpenGitOptions {
  /** owner/name: a checkout of another repository is not the event's history. */
  repository?: string | undefined;
  serverUrl?: string | undefined;
  /** Full commit ids the range starts from: asked together with whether this is a checkout. */
  commits: string[];
  log: (line: string) => void;
}

/** The workspace's checkout as a source, or why it cannot be one. */
export async function openGitSource(
  workspace: string,
  options: OpenGitOptions,
): Promise<{ ok: true; source: GitSource } | { ok: false; reason: string }> {
  const state = await checkoutState(workspace, options.repository, options.serverUrl, options.commits);
  if (!state.ok) return state;
  return { ok: true, source: new GitSource(state.root, options.log, state.present) };
}

/** The checkout as a change source. Fetches by SHA into the checkout's object store when needed. */
export class GitSource implements Source {
  readonly name = 'git' as const;
  /** Commits fetched from origin, in order, for the log. */
  readonly fetched: string[] = [];
  private emptyTree: string | undefined;
  /**
   * Commits already found in the checkout: `diff` resolves again what the range resolution just
   * did, and each git process costs a start-up of its own (bench/README.md). Found stays found.
   */
  private readonly present = new Set<string>();

  constructor(
    readonly cwd: string,
    private readonly log: (line: string) => void = () => {},
    /** Commits checkoutState() already found in the checkout: not asked again. */
    present: Iterable<string> = [],
  ) {
    for (const id of present) this.present.add(id.toLowerCase());
  }

  private git(args: string[]): Promise<GitResult> {
    return runGit(this.cwd, args);
  }

  private async has(rev: string): Promise<boolean> {
    if (this.present.has(rev)) return true;
    const found = (await this.git(['cat-file', '-e', `${rev}^{commit}`])).code === 0;
    if (found) this.present.add(rev);
    return found;
  }

  /** Fetches `spec` (a SHA or ref) from origin at the given depth; throws naming `commit` on failure. */
  private async fetch(spec: string, depth: number | 'unshallow' | { since: number }, commit: string, extra: string[] = []): Promise<void> {
    const depthArgs =
      depth === 'unshallow'
        ? (await this.isShallow())
          ? ['--unshallow']
          : []
        : typeof depth === 'number'
          ? [`--depth=${depth}`]
          : [`--shallow-since=@${depth.since}`];
    const r = await this.git([
      'fetch',
      '--no-tags',
      '--no-write-fetch-head',
      '--quiet',
      '--no-recurse-submodules',
      ...depthArgs,
      'origin',
      spec,
      ...extra,
    ]);
    if (r.code !== 0) {
      throw new UnreadableCommit(
        commit,
        'git',
        `it is not in the checkout and fetching it from origin failed: ${gitMessage(r.stderr) || `git exited with ${r.code}`}`,
        true,
      );
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

  /**
   * Whether `ancestor` is `descendant` or one of its ancestors. A shallow checkout may lack the
   * history in between, which would read as "no": then the history since `ancestor`'s commit
   * date is fetched (usually just the commits in between), and only if that is not enough all
   * of it. A "no" is only said on complete history (a force push).
   */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const [a, d] = [await this.resolve(ancestor), await this.resolve(descendant)];
    const check = async () => {
      const r = await this.git(['merge-base', '--is-ancestor', '--end-of-options', a, d]);
      if (r.code > 1) throw new GitError(`git merge-base --is-ancestor ${a} ${d} failed: ${gitMessage(r.stderr)}`);
      return r.code === 0;
    };
    if (await check()) return true;
    if (!(await this.isShallow())) return false;
    const date = Number((await this.git(['show', '-s', '--format=%ct', a])).stdout.trim());
    if (Number.isInteger(date) && date > 0) {
      try {
        // An hour's slack for clocks that disagree; dates older still are caught by the full fetch below.
        await this.fetch(d, { since: date - 3600 }, d);
        this.log(`fetched the history of ${d} since ${new Date(date * 1000).toISOString()} to tell whether ${a} is an ancestor`);
        if (await check()) return true;
      } catch (e) {
        if (!(e instanceof UnreadableCommit)) throw e;
      }
    }
    if (!(await this.isShallow())) return false;
    await this.fetch(d, 'unshallow', d);
    this.log(`fetched the whole history of ${d} to tell whether ${a} is an ancestor`);
    return check();
  }

  async diff(base: string | null, head: string): Promise<ChangedFile[]> {
    const to = await this.resolve(head);
    const from = base === null ? await this.emptyTreeId() : await this.resolve(base);
    const r = await this.git(diffArgs(from, to));
    if (r.code !== 0) throw new GitError(`git diff ${from} ${to} failed: ${gitMessage(r.stderr)}`);
    return parseNameStatus(r.stdout);
  }

  /** All of them in one `git cat-file --batch`; the commit is fetched first if the checkout lacks it. */
  async readFiles(commit: string, paths: string[], cap: number, keep?: KeepPart): Promise<Map<string, FileRead>> {
    const id = await this.resolve(commit);
    if (paths.length === 0) return new Map();
    return readBlobs(this.cwd, id, paths, cap, keep);
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
