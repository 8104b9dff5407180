/**
 * What collect.ts needs from a place that knows the repository's history: the local checkout
 * (git/) or the GitHub API (api.ts). Both answer the same questions, so the range logic is
 * written once and both sources give the same change set. Also what both sources (and the event
 * stage, which names the commits) share: commit ids, how a commit is shown, what a rebase keeps
 * of a commit, and how a rejected outside value reads in a message.
 */
import type { z } from 'zod';
import type { ChangedFile } from '../types.js';

// SHA-1 (40 hex) or SHA-256 (64 hex) object ids.
export const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/** A commit id as the log shows it (7 digits); anything else (a branch name) as it is. */
export function short(commit: string): string {
  return COMMIT_ID.test(commit) ? commit.slice(0, 7) : commit;
}

export interface CommitInfo {
  id: string;
  parents: string[];
  /** Author (name, email, date) and message: a rebased commit keeps them, a squash commit does not. */
  authored: string;
}

/**
 * What a rebase keeps of a commit: author, author date (to the second) and message. The same key
 * from git's `cat-file commit` and from the API's commit reply, so the sources compare alike.
 */
export function authoredKey(author: { name: string; email: string; date: string }, message: string): string {
  const date = Number.isNaN(Date.parse(author.date)) ? author.date : new Date(Date.parse(author.date)).toISOString();
  return JSON.stringify([author.name, author.email.toLowerCase(), date, message.replace(/\s+$/, '')]);
}

export interface Source {
  readonly name: 'git' | 'api';
  /** A full commit id, `<id>^1`, or a branch/tag name → a full commit id. */
  resolve(rev: string): Promise<string>;
  commit(id: string): Promise<CommitInfo>;
  /** The n-th first-parent ancestor of `id` (`id~n`). */
  ancestor(id: string, n: number): Promise<string>;
  /** The merge base of the branch's tip and `head`, or undefined when they share no history. */
  mergeBase(branch: string, head: string): Promise<string | undefined>;
  /** Whether `ancestor` is `descendant` itself or one of its ancestors (since.ts: may a range start there). */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Tree diff of two commits; `base` null means the empty tree (every file added). */
  diff(base: string | null, head: string): Promise<ChangedFile[]>;
  /**
   * The first `cap` bytes of each of `paths` as they are at `commit` (for their front matter),
   * all in one go: one git process, or one tree and one blob request per file through the API.
   */
  readFiles(commit: string, paths: string[], cap: number, keep?: KeepPart): Promise<Map<string, FileRead>>;
}

/**
 * What of a file's start to hold on to once it is read (its front matter): a push of thousands
 * of files must not keep each one's first `cap` bytes in memory until all are read.
 */
export type KeepPart = (start: Uint8Array) => Uint8Array;

/** A file's start (`size`: the whole file's), or why it was not read (no such file, not a file, too large to fetch). */
export type FileRead = { bytes: Uint8Array; size: number } | { skipped: string };

/** A commit this source cannot read. `unreachable` means the source itself could not be asked (fetch failed). */
export class UnreadableCommit extends Error {
  constructor(
    readonly commit: string,
    readonly source: 'git' | 'api',
    readonly reason: string,
    readonly unreachable = false,
  ) {
    super(`commit ${commit} cannot be read through ${source === 'git' ? 'the git checkout' : 'the GitHub API'}: ${reason}`);
    this.name = 'UnreadableCommit';
  }
}

/** The change set cannot be had exactly: never answered by a narrower diff. */
export class ChangesError extends Error {
  override name = 'ChangesError';
}

/** A zod error as one line of a message: each issue with the field it is about (`a.b` must …). */
export function formatZod(error: z.ZodError, prefix?: string): string {
  return error.issues
    .map((i) => {
      const path = [...(prefix ? [prefix] : []), ...i.path.map(String)];
      return `${path.length ? `\`${path.join('.')}\` ` : ''}${i.message}`;
    })
    .join('; ');
}
