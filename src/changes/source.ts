/**
 * What collect.ts needs from a place that knows the repository's history: the local checkout
 * (git.ts) or the GitHub API (api.ts). Both answer the same questions, so the range logic is
 * written once and both sources give the same change set.
 */
import type { ChangedFile } from '../types.js';

export interface CommitInfo {
  id: string;
  parents: string[];
  /** Author (name, email, date) and message: a rebased commit keeps them, a squash commit does not. */
  authored: string;
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
  /** Tree diff of two commits; `base` null means the empty tree (every file added). */
  diff(base: string | null, head: string): Promise<ChangedFile[]>;
}

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
