/**
 * `since: last-success` through the whole bundled action (node dist/index.js, Node 20 and 24):
 * real git repositories and depth-1 checkouts, and a replay of the Actions runs endpoints
 * (GitHub's example replies from @octokit/openapi, paginated by `Link` header) on 127.0.0.1.
 * Each case says what reaches the receiver, and what the log and summary say about the run used
 * or about the fallback.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeRuntimes, ROOT, runAction, visibleLog, type ActionRun } from '../helpers/action.js';
import { actionsRuns, WORKFLOW_FILE, type ReplayRun, type RunsReplayOptions } from '../helpers/actions-runs.js';
import { pushPayload } from '../helpers/changes.js';
import { tempDir, TestRepo } from '../helpers/git.js';
import { startApiReplay, type ApiReplay } from '../helpers/github-api.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

const SECRET = 'since-test-secret';
const TOKEN = 'ghs_sincetoken42';
const MAPPING = `
- files: content/blog/[slug].md
  paths: "/blog/[slug]"
`;

let receiver: Receiver;
let replay: ApiReplay | undefined;
beforeEach(async () => {
  receiver = await startReceiver({ secret: SECRET });
});
afterEach(async () => {
  await receiver.close();
  await replay?.close();
  replay = undefined;
});

/** c0..c3 on main, each adding one post (a, b, c, d), served by a bare origin. */
function history() {
  const repo = TestRepo.create();
  const c: string[] = [];
  for (const slug of ['a', 'b', 'c', 'd']) {
    repo.write({ [`content/blog/${slug}.md`]: slug });
    c.push(repo.commit(`add ${slug}`));
  }
  return { repo, c: c as [string, string, string, string] };
}

const sent = () => receiver.requests.map((r) => (JSON.parse(r.body) as { value: string }).value).sort();

interface Case {
  node: string;
  repo: TestRepo;
  runs: RunsReplayOptions;
  event: unknown;
  eventName?: string;
  /** GITHUB_RUN_ID / GITHUB_RUN_NUMBER of this run. */
  current: { id: number; number: number; attempt?: number };
  since?: string;
  inputs?: Record<string, string>;
  /** The workspace: a depth-1 checkout of the repository's origin unless given. */
  workspace?: string;
  /** Leave GITHUB_WORKFLOW_REF and GITHUB_RUN_NUMBER unset: the run itself is asked for its workflow. */
  bareEnv?: boolean;
}

async function run(c: Case): Promise<ActionRun & { queries: Array<Record<string, string>> }> {
  const { routes, queries } = actionsRuns(c.runs);
  replay = await startApiReplay({ repo: c.repo.dir, token: TOKEN, routes });
  const result = await runAction({
    node: c.node,
    eventName: c.eventName ?? 'push',
    event: c.event,
    workspace: c.workspace ?? TestRepo.shallowClone(c.repo.bareOrigin()).dir,
    inputs: {
      endpoint: receiver.url,
      secret: SECRET,
      mapping: MAPPING,
      'github-token': TOKEN,
      ...(c.since === undefined ? { since: 'last-success' } : c.since === '' ? {} : { since: c.since }),
      ...c.inputs,
    },
    env: {
      GITHUB_REPOSITORY: 'octo-org/content',
      GITHUB_API_URL: replay.url,
      GITHUB_RUN_ID: String(c.current.id),
      GITHUB_RUN_ATTEMPT: String(c.current.attempt ?? 1),
      ...(c.bareEnv
        ? {}
        : {
            GITHUB_RUN_NUMBER: String(c.current.number),
            GITHUB_WORKFLOW_REF: `octo-org/content/.github/workflows/${WORKFLOW_FILE}@refs/heads/main`,
          }),
    },
  });
  return { ...result, queries };
}

const success = (id: number, number: number, headSha: string, extra: Partial<ReplayRun> = {}): ReplayRun => ({
  id,
  number,
  headSha,
  conclusion: 'success',
  ...extra,
});

describe.each(nodeRuntimes())('since: last-success, under $name', ({ path: node }) => {
  it.each(['failure', 'cancelled'])('a %s run followed by a push: both pushes are revalidated', async (conclusion) => {
    const { repo, c } = history();
    const runs: ReplayRun[] = [success(101, 1, c[0]), { id: 102, number: 2, headSha: c[1], conclusion }];
    const r = await run({ node, repo, runs: { runs }, event: pushPayload(c[1], c[2]), current: { id: 103, number: 3 } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // b from the run that did not succeed, c from this push.
    expect(sent()).toEqual(['/blog/b', '/blog/c']);
    const log = visibleLog(r);
    expect(log).toContain(`since: last-success: compared from ${c[0].slice(0, 7)}, the head commit of run #1 (id 101,`);
    expect(log).toContain('https://github.com/octo-org/content/actions/runs/101');
    expect(r.summary).toContain('run #1 (id 101');
    expect(r.summary).toContain(c[0].slice(0, 7));
    // The depth-1 checkout lacked the history between c0 and c2: fetched, not guessed.
    expect(log).toMatch(/fetched the history of [0-9a-f]{40} since/);
    // The runs were asked for as documented: this workflow's successful push runs on main.
    expect(r.queries[0]).toMatchObject({ branch: 'main', event: 'push', status: 'success', per_page: '100' });
  });

  it('the same push with since: event (the default) covers its own commits only, and asks no runs', async () => {
    const { repo, c } = history();
    const runs: ReplayRun[] = [success(101, 1, c[0]), { id: 102, number: 2, headSha: c[1], conclusion: 'failure' }];
    const r = await run({ node, repo, runs: { runs }, event: pushPayload(c[1], c[2]), current: { id: 103, number: 3 }, since: '' });
    expect(r.code).toBe(0);
    expect(sent()).toEqual(['/blog/c']);
    expect(r.queries).toEqual([]);
    expect(replay?.requests ?? []).toEqual([]);
  });

  it('a re-run starts where the last success before it left off, past 100 newer successful runs (page 2)', async () => {
    const { repo, c } = history();
    const newer = Array.from({ length: 120 }, (_, i) => success(200 + i, 4 + i, c[3]));
    const runs: ReplayRun[] = [
      success(101, 1, c[0]),
      { id: 102, number: 2, headSha: c[1], conclusion: 'failure' },
      // Run #3 is being re-run (attempt 2): while it runs, GitHub lists it as in progress.
      { id: 103, number: 3, headSha: c[2], conclusion: null, status: 'in_progress', attempt: 2 },
      ...newer,
    ];
    const r = await run({ node, repo, runs: { runs }, event: pushPayload(c[1], c[2]), current: { id: 103, number: 3, attempt: 2 } });
    expect(r.code).toBe(0);
    // Not from run #4+ at c3 (later than this run): from run #1 at c0, as the first attempt would.
    expect(sent()).toEqual(['/blog/b', '/blog/c']);
    expect(r.queries.map((q) => q.page ?? '1')).toEqual(['1', '2']);
    expect(visibleLog(r)).toContain('the head commit of run #1 (id 101,');
  });

  it('a force push since the last success: the event range, with a warning saying why', async () => {
    const { repo, c } = history();
    // Run #1 succeeded at c2, run #2 (c2 → c3) failed; then main was reset to c1 and rewritten: c1 → e.
    repo.git('reset', '--quiet', '--hard', c[1]);
    repo.write({ 'content/blog/e.md': 'e' });
    const e = repo.commit('add e');
    const origin = repo.bareOrigin();
    repo.pushTo(origin, `${c[3]}:refs/keep/old`);
    const r = await run({
      node,
      repo,
      runs: { runs: [success(101, 1, c[2]), { id: 102, number: 2, headSha: c[3], conclusion: 'failure' }] },
      event: pushPayload(c[3], e, { forced: true }),
      current: { id: 103, number: 3 },
      workspace: TestRepo.shallowClone(origin).dir,
    });
    expect(r.code).toBe(0);
    // The event's own tree diff c3 → e: c and d are gone (their pages must 404), e is new.
    expect(sent()).toEqual(['/blog/c', '/blog/d', '/blog/e']);
    expect(r.stdout).toMatch(
      /::warning::since: last-success: .*run #1 .* is not an ancestor of .* \(history was rewritten since, a force push\)/,
    );
    expect(r.summary).toContain(`Revalidated the event's range instead (${c[3].slice(0, 7)} → ${e.slice(0, 7)}, 3 changed file(s))`);
  });

  it('no successful run yet: the event range, with a warning', async () => {
    const { repo, c } = history();
    const runs: ReplayRun[] = [{ id: 101, number: 1, headSha: c[0], conclusion: 'failure' }];
    const r = await run({ node, repo, runs: { runs }, event: pushPayload(c[1], c[2]), current: { id: 102, number: 2 } });
    expect(r.code).toBe(0);
    expect(sent()).toEqual(['/blog/c']);
    expect(r.summary).toContain('no earlier successful run of workflow revalidate.yml on main (its first run, or the runs have expired)');
    expect(r.summary).toContain("Revalidated the event's range instead");
  });

  it('a token without actions: read (403): the event range, with a warning naming the permission', async () => {
    const { repo, c } = history();
    const r = await run({
      node,
      repo,
      runs: { runs: [success(101, 1, c[0])], status: 403 },
      event: pushPayload(c[1], c[2]),
      current: { id: 102, number: 2 },
    });
    expect(r.code).toBe(0);
    expect(sent()).toEqual(['/blog/c']);
    expect(r.stdout).toMatch(
      /::warning::since: last-success: the GitHub API refused to list the runs of workflow revalidate.yml \(HTTP 403: Resource not accessible by integration.*\): the token needs the `actions: read` permission/,
    );
    expect(visibleLog(r) + r.summary).not.toContain(TOKEN);
  });

  it('no checkout: the compare API tells the ancestor, the API source diffs', async () => {
    const { repo, c } = history();
    const runs: ReplayRun[] = [success(101, 1, c[0]), { id: 102, number: 2, headSha: c[1], conclusion: 'failure' }];
    const r = await run({
      node,
      repo,
      runs: { runs },
      event: pushPayload(c[1], c[2]),
      current: { id: 103, number: 3 },
      workspace: tempDir('no-checkout-'),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('diff source: api');
    expect(sent()).toEqual(['/blog/b', '/blog/c']);
    expect(replay?.requests.some((q) => q.url.includes(`/compare/${c[0]}...${c[2]}`))).toBe(true);
  });
});

describe('since: last-success, more events (host node)', () => {
  const node = process.execPath;

  it('merged pull requests: from the merge of the last successful run’s pull request', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/blog/a.md': 'a' });
    repo.commit();
    const branch = (name: string, slug: string) => {
      repo.git('checkout', '--quiet', '-b', name, 'main');
      repo.write({ [`content/blog/${slug}.md`]: slug });
      const head = repo.commit(slug);
      repo.git('checkout', '--quiet', 'main');
      repo.git('merge', '--quiet', '--no-ff', '-m', `Merge ${name}`, name);
      return { head, merge: repo.head() };
    };
    const pr4 = branch('pr4', 'b'); // its run succeeded
    const pr5 = branch('pr5', 'c'); // its run failed
    const pr6 = branch('pr6', 'd'); // this run
    const runs: ReplayRun[] = [
      success(101, 1, pr4.head, { event: 'pull_request', branch: 'pr4' }),
      { id: 102, number: 2, headSha: pr5.head, conclusion: 'failure', event: 'pull_request', branch: 'pr5' },
    ];
    const pulls = { [pr4.head]: [{ number: 4, mergeCommit: pr4.merge, base: 'main' }] };
    const event = {
      action: 'closed',
      pull_request: { number: 6, merged: true, merge_commit_sha: pr6.merge, commits: 1, head: { sha: pr6.head }, base: { ref: 'main' } },
    };
    const r = await run({ node, repo, runs: { runs, pulls }, eventName: 'pull_request', event, current: { id: 103, number: 3 } });
    expect(r.code).toBe(0);
    expect(sent()).toEqual(['/blog/c', '/blog/d']);
    expect(visibleLog(r)).toContain(`compared from ${pr4.merge.slice(0, 7)}, the head commit of run #1 (id 101,`);
    expect(visibleLog(r)).toContain('pull request #4');
    expect(r.queries[0]).toMatchObject({ event: 'pull_request', status: 'success' });
    expect(r.queries[0]).not.toHaveProperty('branch');
  });

  it('a force push with no checkout: the compare API says diverged, the event range is used', async () => {
    const { repo, c } = history();
    repo.git('reset', '--quiet', '--hard', c[1]);
    repo.write({ 'content/blog/e.md': 'e' });
    const e = repo.commit('add e');
    repo.git('update-ref', 'refs/keep/old', c[3]);
    const r = await run({
      node,
      repo,
      runs: { runs: [success(101, 1, c[2])] },
      event: pushPayload(c[3], e, { forced: true }),
      current: { id: 102, number: 2 },
      workspace: tempDir('no-checkout-'),
    });
    expect(r.code).toBe(0);
    expect(sent()).toEqual(['/blog/c', '/blog/d', '/blog/e']);
    expect(r.stdout).toMatch(/::warning::since: last-success: .*run #1 .* is not an ancestor of /);
    expect(replay?.requests.some((q) => q.url.includes(`/compare/${c[2]}...${e}`))).toBe(true);
  });

  it('without GITHUB_WORKFLOW_REF: the workflow id and run number come from the run itself', async () => {
    const { repo, c } = history();
    const runs: ReplayRun[] = [
      success(101, 1, c[0]),
      { id: 102, number: 2, headSha: c[1], conclusion: 'failure' },
      { id: 103, number: 3, headSha: c[2], conclusion: null, status: 'in_progress' },
    ];
    const r = await run({ node, repo, runs: { runs }, event: pushPayload(c[1], c[2]), current: { id: 103, number: 3 }, bareEnv: true });
    expect(r.code).toBe(0);
    expect(sent()).toEqual(['/blog/b', '/blog/c']);
    expect(replay?.requests.map((q) => q.url.split('?')[0])).toContain('/repos/octo-org/content/actions/workflows/161335/runs');
  });

  it('base and head inputs override since: no runs are asked', async () => {
    const { repo, c } = history();
    const r = await run({
      node,
      repo,
      runs: { runs: [success(101, 1, c[0])] },
      event: pushPayload(c[1], c[2]),
      current: { id: 102, number: 2 },
      inputs: { base: c[2], head: c[3] },
    });
    expect(r.code).toBe(0);
    expect(sent()).toEqual(['/blog/d']);
    expect(r.stdout).toContain('since: last-success is not used: input `base` and input `head` name the range');
    expect(r.queries).toEqual([]);
  });

  it('the last success left off where the event starts: the event range, no warning', async () => {
    const { repo, c } = history();
    const r = await run({
      node,
      repo,
      runs: { runs: [success(101, 1, c[1])] },
      event: pushPayload(c[1], c[2]),
      current: { id: 102, number: 2 },
    });
    expect(r.code).toBe(0);
    expect(sent()).toEqual(['/blog/c']);
    expect(r.stdout).toContain('the last successful run left off where this event starts');
    expect(r.stdout).not.toContain('::warning::');
  });
});

describe('the command line: --since-ref, a ref the user keeps', () => {
  const cli = (args: string[], cwd: string) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })),
    );
  };

  it('diffs from the ref to HEAD; in a depth-1 clone the tag is fetched from origin', async () => {
    const { repo, c } = history();
    repo.git('tag', 'revalidated', c[1]);
    const clone = TestRepo.shallowClone(repo.bareOrigin());
    const r = await cli(['--since-ref', 'revalidated', '--mapping', MAPPING, '--dry-run', '--json'], clone.dir);
    // With --json the log is on stderr: no warning or error in it.
    expect(r.stderr).not.toMatch(/^(warning|error):/m);
    expect(r.stderr).toContain('fetched revalidated from origin');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout) as Record<string, string>).toMatchObject({
      'changed-files': '["content/blog/c.md","content/blog/d.md"]',
      paths: '["/blog/c","/blog/d"]',
    });
  });

  it('a ref that names nothing: exit 1, naming it', async () => {
    const { repo } = history();
    const r = await cli(['--since-ref', 'revalidated', '--mapping', MAPPING, '--dry-run'], repo.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*revalidated/m);
  });

  it('--base wins over --since-ref', async () => {
    const { repo, c } = history();
    repo.git('tag', 'revalidated', c[0]);
    const r = await cli(['--since-ref', 'revalidated', '--base', c[2], '--mapping', MAPPING, '--dry-run', '--json'], repo.dir);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Record<string, string>).paths).toBe('["/blog/d"]');
  });
});
