/**
 * Turns a Plan into a ChangeSet: explicit files as given, or a tree diff from the chosen source.
 * The source is picked once (and said in the log); the range logic below is shared by both,
 * so git and the API answer the same question the same way. Nothing here starts a process or
 * asks the network itself: it only asks a `Source` (source.ts) its questions, so the range rules
 * are tested on an in-memory history too (test/changes-range.test.ts).
 */
import type { ChangeSet, ChangedFile } from '../types.js';
import { apiUnavailable, createApiSource, type ApiOptions } from './api.js';
import type { Plan } from './event.js';
import { openGitSource } from './git/source.js';
import { sinceRange, type SinceLookup } from './since.js';
import { ChangesError, short, UnreadableCommit, type Source } from './source.js';

export { ChangesError } from './source.js';

export interface CollectOptions {
  workspace: string;
  diffSource: 'auto' | 'git' | 'api';
  log: (line: string) => void;
  api?: (Omit<ApiOptions, 'log'> & { serverUrl?: string | undefined }) | undefined;
  /** `since: last-success`: where the range may start instead (since.ts). */
  since?: SinceLookup | undefined;
}

type DiffPlan = Extract<Plan, { kind: 'diff' | 'new-branch' | 'pr-merge' }>;

/** The change set, and the warnings for the summary (which fallback was used, and why). */
export interface Collected {
  changes: ChangeSet;
  warnings: string[];
  /** The source the change set came from: files' contents at its two commits are read through it too. */
  source?: Source;
}

export async function collectChanges(plan: Plan, options: CollectOptions): Promise<Collected> {
  if (plan.kind === 'nothing')
    return { changes: { files: [], paths: [], tags: [], source: 'none', description: plan.description }, warnings: [] };
  if (plan.kind === 'explicit') {
    return {
      changes: { files: plan.files, paths: plan.paths, tags: plan.tags, source: 'explicit', description: plan.description },
      warnings: [],
    };
  }

  const api = { ...options.api, log: options.log };
  const source = await chooseSource(options, api, plan);
  try {
    return await diffWith(source, plan, options);
  } catch (e) {
    // The checkout cannot fetch (no credentials kept, no network to origin): say so, then ask the API.
    if (!(e instanceof UnreadableCommit) || !e.unreachable || source.name !== 'git' || options.diffSource !== 'auto') throw explain(e);
    const missing = apiUnavailable(api);
    if (missing) {
      throw new ChangesError(
        `${e.message}; the GitHub API fallback is not possible either (${missing}). Fetch the commit in the checkout (for example actions/checkout with fetch-depth: 0) or give \`github-token\``,
      );
    }
    const line = `git cannot fetch from origin in this checkout (${e.reason}; for example persist-credentials: false on a private repository): using the GitHub API instead`;
    options.log(line);
    try {
      const viaApi = await diffWith(await createApiSource(api), plan, options);
      return { ...viaApi, warnings: [line, ...viaApi.warnings] };
    } catch (e2) {
      throw explain(e2);
    }
  }
}

/** The commit ids a plan names outright: the git source checks them all in one process. */
function planCommits(plan: DiffPlan): string[] {
  switch (plan.kind) {
    case 'diff':
      return [plan.head, plan.base.replace(/\^1?$/, '')];
    case 'new-branch':
      return [plan.head];
    case 'pr-merge':
      return [plan.merge];
  }
}

async function chooseSource(options: CollectOptions, api: ApiOptions, plan: DiffPlan): Promise<Source> {
  if (options.diffSource === 'api') {
    options.log('diff source: api (diff-source: api)');
    return createApiSource(api);
  }
  // Whether the checkout has the plan's commits is asked with whether it is a checkout at all:
  // each git process costs a start-up (bench/README.md).
  const git = await openGitSource(options.workspace, {
    repository: options.api?.repository,
    serverUrl: options.api?.serverUrl,
    commits: planCommits(plan),
    log: options.log,
  });
  if (git.ok) {
    options.log(`diff source: git (${options.diffSource === 'auto' ? 'auto: ' : ''}${options.workspace} is a checkout of the repository)`);
    return git.source;
  }
  if (options.diffSource === 'git') {
    throw new ChangesError(`diff-source is git, but ${git.reason}: add actions/checkout before this step, or use diff-source: auto or api`);
  }
  const missing = apiUnavailable(api);
  if (missing) {
    throw new ChangesError(
      `no way to read the changes: ${git.reason}, and the GitHub API source needs a token (${missing}). Add actions/checkout before this step, or give \`github-token\``,
    );
  }
  options.log(`diff source: api (auto: ${git.reason})`);
  return createApiSource(api);
}

async function diffWith(source: Source, plan: DiffPlan, options: CollectOptions): Promise<Collected> {
  const { range, warnings } = await resolveRange(source, plan, options.log);
  let files: ChangedFile[] = await source.diff(range.base, range.head);
  let description = `${plan.description}${range.note ? `; ${range.note}` : ''}`;
  if (options.since) {
    const since = await sinceRange(source, { ...range, files }, options.since, options.log);
    range.base = since.base;
    files = since.files;
    if (since.note) description += `; ${since.note}`;
    if (since.warning) warnings.push(since.warning);
  }
  const changes: ChangeSet = {
    ...(range.base ? { base: range.base } : {}),
    head: range.head,
    files,
    paths: [],
    tags: [],
    source: source.name,
    description,
  };
  return { changes, warnings, source };
}

interface Range {
  base: string | null;
  head: string;
  note?: string;
}

/** The exact two trees to compare for a plan, and why it is wider than the event, when it is. Never narrower. */
export async function resolveRange(
  source: Source,
  plan: DiffPlan,
  log: (line: string) => void,
): Promise<{ range: Range; warnings: string[] }> {
  const warnings: string[] = [];
  const range = await rangeFor(source, plan, (line) => warnings.push(line), log);
  return { range, warnings };
}

async function rangeFor(source: Source, plan: DiffPlan, warn: (line: string) => void, log: (line: string) => void): Promise<Range> {
  switch (plan.kind) {
    case 'diff': {
      const head = await source.resolve(plan.head);
      const base = await source.resolve(plan.base);
      return { base, head };
    }
    case 'new-branch': {
      const head = await source.resolve(plan.head);
      const branch = plan.ref.replace(/^refs\/heads\//, '');
      if (plan.defaultBranch && plan.defaultBranch !== branch) {
        const base = await source.mergeBase(plan.defaultBranch, head);
        if (base) {
          warn(
            `${plan.ref} is a new branch with no previous commit: compared with its merge base ${short(base)} with the default branch ${plan.defaultBranch} (what the branch adds to it)`,
          );
          return { base, head, note: `new branch: compared with the merge base with ${plan.defaultBranch}` };
        }
        warn(
          `${plan.ref} is a new branch that shares no history with ${plan.defaultBranch}: every file in ${short(head)} is treated as added`,
        );
      } else {
        warn(
          `${plan.ref} is a new branch${plan.defaultBranch ? ' and it is the default branch' : ' and the payload names no default branch'}: every file in ${short(head)} is treated as added`,
        );
      }
      return { base: null, head, note: 'new branch: every file treated as added' };
    }
    case 'pr-merge':
      return prMergeRange(source, plan, warn, log);
  }
}

/**
 * The base branch before the merge. A merge commit or a squash: the first parent. A rebase of
 * n commits: n first-parent steps back. Squash and rebase both leave one parent; a rebased
 * commit keeps the pull request's last commit's author, date and message, a squash does not.
 */
async function prMergeRange(
  source: Source,
  plan: Extract<Plan, { kind: 'pr-merge' }>,
  warn: (l: string) => void,
  log: (l: string) => void,
): Promise<Range> {
  const merge = await source.commit(plan.merge);
  const n = plan.commits ?? 1;
  if (merge.parents.length === 0) return { base: null, head: merge.id, note: 'a root commit: every file treated as added' };
  if (merge.parents.length > 1 || n <= 1) {
    const kind = merge.parents.length > 1 ? 'merge commit' : 'single commit';
    return {
      base: merge.parents[0] as string,
      head: merge.id,
      note: `${kind}, compared with its first parent ${short(merge.parents[0] as string)}`,
    };
  }
  let rebase: boolean | undefined;
  if (plan.prHead) {
    try {
      rebase = (await source.commit(plan.prHead)).authored === merge.authored;
    } catch (e) {
      log(`cannot read the pull request's head commit ${plan.prHead} (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (rebase === false) {
    return {
      base: merge.parents[0] as string,
      head: merge.id,
      note: `squash merge, compared with its parent ${short(merge.parents[0] as string)}`,
    };
  }
  const base = await source.ancestor(merge.id, n);
  if (rebase === undefined) {
    warn(
      `pull request #${plan.number}: cannot tell a squash from a rebase of its ${n} commits, so compared with ${short(merge.id)}~${n} (exact for a rebase; for a squash it also includes up to ${n - 1} earlier commits)`,
    );
  }
  return { base, head: merge.id, note: `rebase merge of ${n} commits, compared with ${short(base)} (${n} commits back)` };
}

function explain(e: unknown): unknown {
  if (e instanceof UnreadableCommit) {
    return new ChangesError(`${e.message}. The exact range cannot be had, so nothing is revalidated rather than a guess`);
  }
  return e;
}
