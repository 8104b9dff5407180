/**
 * Turns a Plan into a ChangeSet: explicit files as given, or a diff from the chosen source.
 */
import type { ChangeSet } from '../types.js';
import type { Plan } from './event.js';
import { diffCommits, ensureCommits, isGitCheckout, tryDiffCommits } from './git.js';

export interface CollectOptions {
  workspace: string;
  diffSource: 'auto' | 'git' | 'api';
  log: (line: string) => void;
}

export class ChangesError extends Error {}

export async function collectChanges(plan: Plan, options: CollectOptions): Promise<ChangeSet> {
  if (plan.kind === 'nothing') return { files: [], source: 'none', description: plan.description };
  if (plan.kind === 'explicit') return { files: plan.files, source: 'explicit', description: plan.description };
  // Fast path: in a checkout that already has both commits (a full clone, or fetch-depth 2 for a
  // one-commit push), one `git diff` is the whole job. Every git process costs a start-up of its
  // own, so the checks and fetches below run only when this diff fails.
  if (options.diffSource !== 'api') {
    const files = await tryDiffCommits(options.workspace, plan.base, plan.head);
    if (files) {
      options.log(`diff source: git (checkout at ${options.workspace})`);
      return { base: plan.base, head: plan.head, files, source: 'git', description: plan.description };
    }
  }
  const checkout = options.diffSource !== 'api' && (await isGitCheckout(options.workspace));
  if (options.diffSource === 'api' || !checkout) {
    if (options.diffSource === 'git') {
      throw new ChangesError(`diff-source is git, but ${options.workspace} is not a git checkout: add actions/checkout before this step`);
    }
    throw new ChangesError(
      `${options.workspace} is not a git checkout and the GitHub compare API source is not available in this version: add actions/checkout before this step`,
    );
  }
  options.log(`diff source: git (checkout at ${options.workspace})`);
  const fetched = await ensureCommits(options.workspace, [plan.base, plan.head]);
  if (fetched.length > 0) options.log(`fetched ${fetched.join(', ')} from origin (the checkout was shallow)`);
  const files = await diffCommits(options.workspace, plan.base, plan.head);
  return { base: plan.base, head: plan.head, files, source: 'git', description: plan.description };
}
