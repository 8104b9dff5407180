/**
 * `since: last-success`: where the last run of this workflow that succeeded left off. A push's
 * own range is `before → after`; when a run fails (the site was down, the secret rotated, a newer
 * push cancelled it under `concurrency: cancel-in-progress`) its changes would never be
 * revalidated. So the range starts at the head commit of the newest successful run of this same
 * workflow on this branch instead (since.ts checks it is an ancestor and widens the range).
 *
 * The choice of the run is pure (`chooseLastSuccess`); the questions to the Actions API are below
 * it, through the same lazily loaded Octokit as api.ts: a run with `since: event` never loads it.
 */
import { z } from 'zod';
import { lazy } from '../lazy.js';
import { clip, printable } from '../text.js';
import { apiUnavailable, loadOctokit, messageOf, statusOf, type ApiOptions, type Octokit } from './api.js';
import type { Plan } from './event.js';
import type { SinceLookup } from './since.js';
import { COMMIT_ID, formatZod, short } from './source.js';

export interface WorkflowRun {
  id: number;
  /** run_number: a re-run keeps its number (and id); later runs have higher numbers. */
  number: number;
  attempt: number;
  headSha: string;
  branch: string | null;
  event: string;
  status: string | null;
  conclusion: string | null;
  url: string;
}

/** This run, from GITHUB_RUN_ID and GITHUB_RUN_NUMBER: the runs to look at come before it. */
export interface CurrentRun {
  id?: number | undefined;
  number?: number | undefined;
}

/** What the runner says about the run (environment variables, as given). */
export interface RunEnv {
  /** GITHUB_RUN_ID */
  id?: string | undefined;
  /** GITHUB_RUN_NUMBER */
  number?: string | undefined;
  /** GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/file.yml@refs/heads/main */
  workflowRef?: string | undefined;
}

/** Runs per page (the endpoint's most), and how many pages are read before giving up. */
const PER_PAGE = 100;
const MAX_PAGES = 10;
/** Merged pull requests: how many successful runs are asked which pull request they merged. */
const MAX_PULL_LOOKUPS = 20;

/**
 * The newest successful run before this one (pure). "Before" is by run number, not by time: a
 * re-run keeps its run's number, so a re-run of run #7 starts where the last success before #7
 * left off, as its first attempt would have, even when a later run has succeeded since. A run
 * that failed, was cancelled or is still going does not count: its range is covered again.
 */
export function chooseLastSuccess(runs: readonly WorkflowRun[], current: CurrentRun): WorkflowRun | undefined {
  return runs
    .filter(
      (r) =>
        r.status === 'completed' &&
        r.conclusion === 'success' &&
        r.id !== current.id &&
        (current.number === undefined || r.number < current.number),
    )
    .sort((a, b) => b.number - a.number)[0];
}

/** The workflow's file name in GITHUB_WORKFLOW_REF, which the runs endpoint takes as its id. */
export function workflowFile(ref: string | undefined): string | undefined {
  const m = /^[^/]+\/[^/]+\/\.github\/workflows\/([^/@]+\.ya?ml)@/.exec(ref ?? '');
  return m?.[1];
}

/** How a run is named in the log and summary: number, id, attempt and address. */
export function describeRun(run: WorkflowRun): string {
  return `run #${run.number} (id ${run.id}${run.attempt > 1 ? `, attempt ${run.attempt}` : ''}, ${printable(clip(run.url, 200))})`;
}

const replies = lazy(() => {
  const run = z
    .object({
      id: z.number().int(),
      run_number: z.number().int(),
      run_attempt: z.number().int().optional(),
      head_sha: z.string().regex(COMMIT_ID, 'is not a commit id'),
      head_branch: z.string().nullable(),
      event: z.string(),
      status: z.string().nullable(),
      conclusion: z.string().nullable(),
      html_url: z.string(),
      workflow_id: z.number().int(),
    })
    .loose();
  // Octokit's paginate hands over the `workflow_runs` list of each page; a plain request the object.
  const runsPage = z.union([z.array(run), z.object({ workflow_runs: z.array(run) }).loose()]);
  const pulls = z.array(
    z
      .object({
        number: z.number().int(),
        merged_at: z.string().nullable().optional(),
        merge_commit_sha: z.string().regex(COMMIT_ID).nullable().optional(),
        base: z.object({ ref: z.string() }).loose(),
      })
      .loose(),
  );
  return { run, runsPage, pulls };
});

function toRun(r: z.infer<ReturnType<typeof replies>['run']>): WorkflowRun {
  return {
    id: r.id,
    number: r.run_number,
    attempt: r.run_attempt ?? 1,
    headSha: r.head_sha.toLowerCase(),
    branch: r.head_branch,
    event: r.event,
    status: r.status,
    conclusion: r.conclusion,
    url: r.html_url,
  };
}

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new Error(`the GitHub API's reply for ${what} is not what it documents: ${formatZod(parsed.error)}`);
  return parsed.data;
}

const whole = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

/** What to look for: the event's runs on the branch (a push), or merged into the base branch (a pull request). */
export type RunQuery = { event: string; branch: string } | { event: string; mergedInto: string };

/**
 * Where the last successful run left off: the commit and how to name it, or why there is none.
 * Never throws: every failure is a reason the caller falls back on.
 */
export async function findLastSuccess(api: ApiOptions, env: RunEnv, query: RunQuery): Promise<Awaited<ReturnType<SinceLookup>>> {
  const missing = apiUnavailable(api);
  if (missing) return { ok: false, reason: `the GitHub API cannot be asked for the workflow's runs: ${missing}` };
  const [owner, repo] = (api.repository as string).split('/') as [string, string];
  let workflow: string | number | undefined = workflowFile(env.workflowRef);
  const current: CurrentRun = { id: whole(env.id), number: whole(env.number) };
  let octokit: Octokit;
  try {
    octokit = await loadOctokit(api);
  } catch (e) {
    return { ok: false, reason: `the GitHub API client could not be loaded: ${messageOf(e)}` };
  }
  try {
    if (workflow === undefined || current.number === undefined) {
      if (current.id === undefined)
        return {
          ok: false,
          reason:
            'GITHUB_RUN_ID is not set (nor GITHUB_WORKFLOW_REF and GITHUB_RUN_NUMBER), so this is not a run of a GitHub Actions workflow',
        };
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner, repo, run_id: current.id });
      const self = parse(replies().run, data, `run ${current.id}`);
      workflow ??= self.workflow_id;
      current.number ??= self.run_number;
    }
  } catch (e) {
    return { ok: false, reason: refused(e, `this run (${current.id ?? '?'})`) };
  }
  const what = `workflow ${typeof workflow === 'number' ? `id ${workflow}` : workflow}`;
  const params: Record<string, unknown> = {
    owner,
    repo,
    workflow_id: workflow,
    status: 'success',
    event: query.event,
    per_page: PER_PAGE,
    exclude_pull_requests: true,
    ...('branch' in query ? { branch: query.branch } : {}),
  };
  const where = 'branch' in query ? `on ${query.branch}` : `merging a pull request into ${query.mergedInto}`;
  let pages = 0;
  let lookups = 0;
  try {
    for await (const response of octokit.paginate.iterator('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', params)) {
      pages++;
      const page = parse(replies().runsPage, response.data, `the runs of ${what}`);
      const runs = (Array.isArray(page) ? page : page.workflow_runs)
        .map(toRun)
        .filter((r) => r.event === query.event && (!('branch' in query) || r.branch === query.branch));
      if ('branch' in query) {
        const run = chooseLastSuccess(runs, current);
        if (run) return { ok: true, commit: run.headSha, what: describeRun(run) };
      } else {
        // A pull request run names the pull request's head, not the merge: ask which merge it was.
        for (let run = chooseLastSuccess(runs, current); run; run = chooseLastSuccess(runs, { id: current.id, number: run.number })) {
          if (++lookups > MAX_PULL_LOOKUPS) break;
          const merge = await mergeOf(octokit, owner, repo, run.headSha, query.mergedInto);
          if (merge) return { ok: true, commit: merge.commit, what: `${describeRun(run)}, pull request #${merge.number}` };
        }
        if (lookups > MAX_PULL_LOOKUPS)
          return {
            ok: false,
            reason: `none of the newest ${MAX_PULL_LOOKUPS} successful runs of ${what} merged a pull request into ${query.mergedInto}`,
          };
      }
      if (pages >= MAX_PAGES)
        return { ok: false, reason: `no successful run of ${what} ${where} among its newest ${MAX_PAGES * PER_PAGE} successful runs` };
    }
  } catch (e) {
    return { ok: false, reason: refused(e, `the runs of ${what}`) };
  }
  return {
    ok: false,
    reason: `no earlier successful run of ${what} ${where} (its first run, or the runs have expired)`,
  };
}

/** The merge commit of the merged pull request into `base` that a commit belongs to. */
async function mergeOf(octokit: Octokit, owner: string, repo: string, sha: string, base: string) {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
    owner,
    repo,
    commit_sha: sha,
    per_page: 100,
  });
  const pr = parse(replies().pulls, data, `the pull requests of ${short(sha)}`).find(
    (p) => p.merged_at && p.merge_commit_sha && p.base.ref === base,
  );
  return pr ? { number: pr.number, commit: (pr.merge_commit_sha as string).toLowerCase() } : undefined;
}

/** Why the Actions API did not answer, naming the permission when it may be the token's. */
function refused(e: unknown, what: string): string {
  const status = statusOf(e);
  const permission = 'the token needs the `actions: read` permission (add it under `permissions:` in the workflow)';
  if (status === 403) return `the GitHub API refused to list ${what} (${messageOf(e)}): ${permission}`;
  if (status === 404) return `the GitHub API found no ${what} (${messageOf(e)}): the workflow is not there, or ${permission}`;
  return `the GitHub API could not list ${what}: ${messageOf(e)}`;
}

/** The lookup for a plan, or the line saying why `since: last-success` does not apply to it. */
export function lastSuccessFor(plan: Plan, api: ApiOptions, env: RunEnv, eventName: string): { lookup?: SinceLookup; line?: string } {
  let query: RunQuery | undefined;
  if (plan.kind === 'diff' && plan.ref?.startsWith('refs/heads/'))
    query = { event: eventName, branch: plan.ref.slice('refs/heads/'.length) };
  else if (plan.kind === 'pr-merge' && plan.baseRef) query = { event: eventName, mergedInto: plan.baseRef };
  if (!query) {
    const why =
      plan.kind === 'new-branch'
        ? 'a new branch has no earlier run to start from'
        : plan.kind === 'pr-merge'
          ? "the pull request's payload names no base branch"
          : plan.kind === 'diff'
            ? 'the range is named outright'
            : 'this event names no commits to compare';
    return { line: `since: last-success does not apply (${why}): the event's range is used` };
  }
  const q = query;
  let answer: ReturnType<SinceLookup> | undefined;
  // Asked once, even when the change set is read a second time through another source.
  return { lookup: () => (answer ??= findLastSuccess(api, env, q)) };
}
