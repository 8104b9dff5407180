/**
 * A replay of the GitHub Actions runs endpoints, plugged into startApiReplay (github-api.ts)
 * through its `routes`: GET actions/runs/{id}, GET actions/workflows/{workflow}/runs (filtered by
 * branch, event and status as GitHub filters them, newest first, paginated by `Link` header) and
 * GET commits/{sha}/pulls. Every reply is GitHub's own example from @octokit/openapi (the
 * OpenAPI description GitHub publishes), with the fields a test is about replaced.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface OpenApi {
  components: { examples: Record<string, { value: unknown }> };
}

let spec: OpenApi | undefined;
/** GitHub's recorded example reply by its name in the OpenAPI description (read once). */
export function example<T = Record<string, unknown>>(name: string): T {
  spec ??= JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
  ) as OpenApi;
  const found = spec.components.examples[name];
  if (!found) throw new Error(`no example ${name} in @octokit/openapi`);
  return structuredClone(found.value) as T;
}

export interface ReplayRun {
  id: number;
  number: number;
  headSha: string;
  branch?: string;
  event?: string;
  /** completed (default), in_progress, queued */
  status?: string;
  /** success, failure, cancelled, …; null while not completed */
  conclusion: string | null;
  attempt?: number;
  /** The workflow file it belongs to (default revalidate.yml). */
  workflow?: string;
}

export interface RunsReplayOptions {
  runs: ReplayRun[];
  /** Answer the runs endpoints with this status (403: a token without `actions: read`). */
  status?: number;
  /** commits/{sha}/pulls: the pull requests a commit belongs to. */
  pulls?: Record<string, Array<{ number: number; mergeCommit: string | null; base: string }>>;
}

export const WORKFLOW_FILE = 'revalidate.yml';
export const WORKFLOW_ID = 161335;

/** The routes, and every query of the runs list they answered (its search parameters). */
export function actionsRuns(options: RunsReplayOptions) {
  const queries: Array<Record<string, string>> = [];
  const routes = (rest: string, url: URL, base: string) => {
    const repoUrl = `${base}/repos/octo-org/content`;
    const runJson = (r: ReplayRun) => {
      const run = example('workflow-run');
      Object.assign(run, {
        id: r.id,
        run_number: r.number,
        run_attempt: r.attempt ?? 1,
        head_sha: r.headSha,
        head_branch: r.branch ?? 'main',
        event: r.event ?? 'push',
        status: r.status ?? 'completed',
        conclusion: r.conclusion,
        workflow_id: WORKFLOW_ID,
        path: `.github/workflows/${r.workflow ?? WORKFLOW_FILE}`,
        url: `${repoUrl}/actions/runs/${r.id}`,
        html_url: `https://github.com/octo-org/content/actions/runs/${r.id}`,
      });
      return run;
    };
    const refused = () => ({
      status: options.status as number,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow',
        status: String(options.status),
      },
    });
    let m: RegExpExecArray | null;
    if ((m = /^actions\/runs\/(\d+)$/.exec(rest))) {
      if (options.status) return refused();
      const run = options.runs.find((r) => r.id === Number(m?.[1]));
      return run ? { status: 200, body: runJson(run) } : undefined;
    }
    if ((m = /^actions\/workflows\/([^/]+)\/runs$/.exec(rest))) {
      queries.push(Object.fromEntries(url.searchParams));
      if (options.status) return refused();
      const workflow = m[1] as string;
      const q = url.searchParams;
      const status = q.get('status');
      const matching = options.runs
        .filter((r) => workflow === String(WORKFLOW_ID) || (r.workflow ?? WORKFLOW_FILE) === workflow)
        .filter((r) => !q.get('branch') || (r.branch ?? 'main') === q.get('branch'))
        .filter((r) => !q.get('event') || (r.event ?? 'push') === q.get('event'))
        // GitHub's `status` filter takes a status or a conclusion.
        .filter((r) => !status || (r.status ?? 'completed') === status || r.conclusion === status)
        .sort((a, b) => b.id - a.id);
      const perPage = Math.min(Number(q.get('per_page') ?? 30) || 30, 100);
      const page = Math.max(Number(q.get('page') ?? 1) || 1, 1);
      const last = Math.max(Math.ceil(matching.length / perPage), 1);
      const link = (p: number) => {
        const u = new URL(url.toString());
        u.searchParams.set('page', String(p));
        return `<${u.toString()}>`;
      };
      const rels = [
        ...(page < last ? [`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`] : []),
        ...(page > 1 ? [`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`] : []),
      ];
      const body = example<{ total_count: number; workflow_runs: unknown[] }>('workflow-run-paginated');
      body.total_count = matching.length;
      body.workflow_runs = matching.slice((page - 1) * perPage, page * perPage).map(runJson);
      return { status: 200, body, headers: rels.length ? { link: rels.join(', ') } : {} };
    }
    if ((m = /^commits\/([0-9a-f]+)\/pulls$/.exec(rest))) {
      const template = example<Array<Record<string, unknown>>>('pull-request-simple-items')[0] as Record<string, unknown>;
      const body = (options.pulls?.[m[1] as string] ?? []).map((p) => ({
        ...structuredClone(template),
        number: p.number,
        state: 'closed',
        merged_at: p.mergeCommit ? '2026-11-30T10:00:00Z' : null,
        merge_commit_sha: p.mergeCommit,
        base: { ...(template.base as object), ref: p.base },
      }));
      return { status: 200, body };
    }
    return undefined;
  };
  return { routes, queries };
}
