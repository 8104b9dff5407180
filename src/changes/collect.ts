/**
 * Turns a Plan into a ChangeSet: explicit files as given, or a diff from the chosen source.
 */
import type { ChangeSet } from '../types.js';
import type { Plan } from './event.js';
import { diffCommits, ensureCommits, isGitCheckout } from './git.js';

export interface CollectOptions {
  workspace: string;
  diffSource: 'auto' | 'git' | 'api';
  log: (line: string) => void;
}

export class ChangesError extends Error {}

export async function collectChanges(plan: Plan, options: CollectOptions): Promise<ChangeSet> {
  if (plan.kind === 'nothing') return { files: [], source: 'none', description: plan.description };
  if (plan.kind === 'explicit') return { files: plan.files, source: 'explicit', description: plan.description };
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
