/**
 * The report always arrives: the job summary stays under GitHub's 1 MiB per step however big the
 * run, outputs or a summary that cannot be written do not take the rest of the report with
 * them, and a cancelled run (SIGINT, SIGTERM) still writes what it did. The bundled action as a
 * whole process, against receivers on 127.0.0.1.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSummary, SUMMARY_LIMIT, type RunReport } from '../../src/report.js';
import { runAction, type ActionRun } from '../helpers/action.js';
import { foreignCommands } from '../helpers/commands.js';
import { type FaultServer, type Handler, hang, json, ok, serveFaults } from '../helpers/faulty.js';
import { pushPayload } from '../helpers/changes.js';
import { tempDir, TestRepo } from '../helpers/git.js';
import { startApiReplay } from '../helpers/github-api.js';

const SECRET = 'report-arrives-secret';
const serve = serveFaults();

const bytes = (text: string) => Buffer.byteLength(text);
const failedOf = (run: ActionRun) =>
  JSON.parse(run.outputs.failed ?? '[]') as Array<{ type: string; value: string; status: number | null; error: string }>;

/** A CMS asking for many long paths at once: the payload is a file, so any size can be given. */
function dispatchOf(paths: string[], tags: string[] = []) {
  return { action: 'publish', client_payload: { paths, tags } };
}

/** Site paths as long as Next.js accepts (1024), each different. */
function longPaths(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    `/${String(i).padStart(6, '0')}/${'segment-of-a-long-path/'.repeat(43)}end`.slice(0, 1024),
  );
}

describe('the job summary stays under 1 MiB', () => {
  it('10,000 targets failing, with long paths and server messages: failures first, folded, the counts and where the rest is', async () => {
    const message = `the site could not regenerate this page: ${'because of a long reason '.repeat(6)}`;
    const server = await serve((ex) => json(ex, 400, { error: message }));
    const paths = longPaths(10_000);
    const run = await runAction({
      eventName: 'repository_dispatch',
      event: dispatchOf(paths),
      inputs: { endpoint: server.url, secret: SECRET, concurrency: '64', retries: '0', 'max-targets': '10000' },
      timeoutMs: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(server.requests).toHaveLength(10_000);
    // GitHub keeps at most 1 MB per output: the list is cut to what fits, and the cut is said.
    for (const [name, value] of Object.entries(run.outputs)) expect(bytes(value), name).toBeLessThanOrEqual(1_000_000);
    const kept = failedOf(run).length;
    expect(kept).toBeGreaterThan(500);
    expect(kept).toBeLessThan(10_000);
    expect(failedOf(run)[0]).toMatchObject({ type: 'path', value: paths[0], status: 400 });
    expect(run.stdout).toContain(
      `::warning::output \`failed\` lists the first ${kept} of 10000 entries: GitHub keeps at most 1 MB per step output`,
    );
    expect(run.stdout).toContain('0 revalidated, 10000 failed, 0 not sent');

    const summary = run.summary;
    expect(bytes(summary)).toBeLessThan(SUMMARY_LIMIT);
    expect(summary).toContain('✅ **0 revalidated** · ❌ **10000 failed**');
    expect(summary).toContain('| 0 | 0 | 0 | 10000 | 0 |');
    expect(summary).toContain('### ❌ Not revalidated (10000)');
    expect(summary.indexOf('### ❌ Not revalidated')).toBeLessThan(summary.indexOf('Targets (10000)'));
    const folds = [...summary.matchAll(/^\| … (\d+) more not shown here[^:]*: (.*?) \|/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(folds).toEqual([
      [expect.any(Number), 'the log has a line for each, and the `failed` output lists them (up to GitHub’s 1 MB per output)'],
      [expect.any(Number), 'the `paths` and `tags` outputs list them (up to GitHub’s 1 MB per output)'],
    ]);
    // Rows shown plus rows folded: every target accounted for in each table.
    const failureRows = summary.split('### ❌ Not revalidated')[1]?.split('\n\n')[1]?.split('\n').length ?? 0;
    expect(failureRows - 3 + (folds[0]?.[0] as number)).toBe(10_000);
    // Each failure has its line in the log, as the fold says.
    expect(run.stdout.match(/^✗ path \/\d{6}\//gm)).toHaveLength(10_000);
  });

  it('a dry run of 100,000 targets: under the limit, the counts, and where the full list is', async () => {
    const tags = Array.from({ length: 100_000 }, (_, i) => `tag-${String(i).padStart(6, '0')}-${'x'.repeat(200)}`);
    const run = await runAction({
      eventName: 'repository_dispatch',
      event: dispatchOf([], tags),
      inputs: { 'dry-run': 'true' },
      timeoutMs: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const kept = (JSON.parse(run.outputs.tags ?? '[]') as string[]).length;
    expect(bytes(run.outputs.tags ?? '')).toBeLessThanOrEqual(1_000_000);
    expect(kept).toBe(Math.floor((1_000_000 - 2 + 1) / (JSON.stringify(tags[0]).length + 1)));
    expect(run.stdout).toContain(`::warning::output \`tags\` lists the first ${kept} of 100000 entries`);
    expect(bytes(run.summary)).toBeLessThan(SUMMARY_LIMIT);
    expect(run.summary).toContain('🧪 **Dry run**: 100000 targets would be sent, nothing was sent');
    expect(run.summary).toContain('| 0 | 0 | 0 | 0 | 100000 |');
    expect(run.summary).toMatch(
      /^\| … 99500 more not shown here: the `paths` and `tags` outputs list them \(up to GitHub’s 1 MB per output\) \| \| \| \| \|$/m,
    );
  });

  it('the budget holds whatever the values: a fatal error, warnings and rejected targets of any length', () => {
    const huge = 'y'.repeat(300_000);
    const report: RunReport = {
      dryRun: false,
      fatal: `stopped: ${huge}`,
      description: `repository_dispatch (${huge})`,
      warnings: Array.from({ length: 50 }, (_, i) => `warning ${i}: ${huge}`),
      deliveries: [],
      mapping: {
        targets: [],
        rejected: Array.from({ length: 20 }, (_, i) => ({
          type: 'tag' as const,
          value: `${i}${huge}`,
          sources: ['input `tags`'],
          reason: 'tag is too long',
        })),
        unmatched: Array.from({ length: 60 }, (_, i) => `${i}${huge}`),
        perFile: Array.from({ length: 40 }, (_, i) => ({
          file: `f${i}${huge}`,
          status: 'modified' as const,
          targets: Array.from({ length: 100 }, (_, j) => ({ type: 'tag' as const, value: `${j}${huge}` })),
        })),
        perRule: [],
      },
    };
    const summary = renderSummary(report);
    expect(bytes(summary)).toBeLessThan(SUMMARY_LIMIT);
    expect(summary).toContain('### ❌ Not revalidated (20)');
    expect(summary).toContain('### ⚠️ Warnings (50)');
    expect(summary).toContain('<b>Changed files (100)</b>: 40 matched a rule, 60 unmatched');
  });
});

describe('outputs and summary that cannot be written', () => {
  const dir = tempDir('unwritable-');
  mkdirSync(join(dir, 'a-directory'));
  const targets = (server: FaultServer) => ({ endpoint: server.url, secret: SECRET, tags: 'ok, broken' });
  const handler: Handler = (ex) => (ex.request.target === 'tag broken' ? json(ex, 400, { error: 'Invalid tag' }) : ok(ex));

  const places: Array<[string, () => { env: Record<string, string>; user?: { uid: number; gid: number } }]> = [
    ['/dev/full (disk full)', () => ({ env: { GITHUB_OUTPUT: '/dev/full' } })],
    ['a directory', () => ({ env: { GITHUB_OUTPUT: join(dir, 'a-directory') } })],
    ['a file that is not there', () => ({ env: { GITHUB_OUTPUT: join(dir, 'missing', 'output.txt') } })],
    // Root writes any file whatever its mode; the action then runs as nobody, as a runner's user would.
    ['a read-only file', () => readOnlyOutput(dir)],
  ];

  it.each(places)(
    'GITHUB_OUTPUT is %s: one error naming the outputs; annotations, summary and closing line still written; exit 1',
    async (_name, place) => {
      const server = await serve(handler);
      const { env, user } = place();
      const run = await runAction({
        eventName: 'workflow_dispatch',
        event: { inputs: {} },
        inputs: targets(server),
        env,
        ...(user ? { user } : {}),
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
      expect(run.stdout).not.toMatch(/^\s+at /m); // no stack trace
      const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
      const outputErrors = errors.filter((l) => l.includes('GITHUB_OUTPUT'));
      expect(outputErrors).toHaveLength(1);
      expect(outputErrors[0]).toMatch(
        new RegExp(
          `^::error::could not write the step's outputs changed-files, paths, tags, revalidated, failed, verified, unverified to GITHUB_OUTPUT \\(${escapeRegExp(env.GITHUB_OUTPUT ?? '')}\\): .+\\. Later steps that read them get nothing; the job summary and this log have the results$`,
        ),
      );
      // The rest of the report: the failed target's annotation, the closing line, the summary.
      expect(errors).toContain('::error title=isr-revalidate%3A not revalidated::tag broken: HTTP 400: Invalid tag');
      expect(run.stdout).toContain('1 revalidated, 1 failed, 0 not sent');
      expect(run.summary).toContain('✅ **1 revalidated** · ❌ **1 failed**');
      expect(foreignCommands(run.stdout, [SECRET])).toEqual([]);
    },
  );

  it('GITHUB_OUTPUT unwritable on a run that succeeded still fails the step, with that one error', async () => {
    const server = await serve(ok);
    const run = await runAction({
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
      inputs: { endpoint: server.url, secret: SECRET, tags: 'ok' },
      env: { GITHUB_OUTPUT: '/dev/full' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([
      expect.stringMatching(
        /^::error::could not write the step's outputs changed-files, paths, tags, revalidated, failed, verified, unverified to GITHUB_OUTPUT \(\/dev\/full\): ENOSPC/,
      ),
    ]);
    expect(run.stdout).toContain('1 revalidated, 0 failed, 0 not sent');
  });

  it.each([
    ['/dev/full (disk full)', '/dev/full'],
    ['a directory', join(dir, 'a-directory')],
  ])('GITHUB_STEP_SUMMARY is %s: a warning, and the rest of the report goes on', async (_name, file) => {
    const server = await serve(ok);
    const run = await runAction({
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
      inputs: { endpoint: server.url, secret: SECRET, tags: 'a, b' },
      env: { GITHUB_STEP_SUMMARY: file },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(
      new RegExp(
        `^::warning::could not write the job summary to GITHUB_STEP_SUMMARY \\(${escapeRegExp(file)}\\): .+; the log has the results$`,
        'm',
      ),
    );
    expect(run.outputs.revalidated).toBe('2');
    expect(run.stdout).toContain('2 revalidated, 0 failed, 0 not sent');
  });
});

/** GITHUB_OUTPUT a file the action's user may not write. As root, the action runs as nobody. */
function readOnlyOutput(dir: string): { env: Record<string, string>; user?: { uid: number; gid: number } } {
  const file = join(dir, `read-only-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, '');
  chmodSync(file, 0o444);
  chmodSync(dir, 0o755);
  return { env: { GITHUB_OUTPUT: file }, ...(process.getuid?.() === 0 ? { user: { uid: 65534, gid: 65534 } } : {}) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('cancellation: SIGINT or SIGTERM mid-delivery', () => {
  /** Runs the action against `server`, and signals it once the server has seen `after` requests. */
  async function cancelled(server: FaultServer, signal: NodeJS.Signals, after: number, inputs: Record<string, string>) {
    let signalledAt = 0;
    let endedAt = 0;
    const run = await runAction({
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
      inputs: { endpoint: server.url, secret: SECRET, ...inputs },
      timeoutMs: 30_000,
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (server.requests.length < after) return;
          clearInterval(poll);
          signalledAt = Date.now();
          child.kill(signal);
        }, 5);
        child.on('exit', () => {
          clearInterval(poll);
          endedAt = Date.now();
        });
      },
    });
    return { run, signalledAt, endedAt };
  }

  const tags = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`);

  it('SIGINT: nothing new is sent, requests in flight finish within the grace, and the report says what was done', async () => {
    // Each reply takes 300 ms: well within the grace, so the requests in flight are confirmed.
    const server = await serve((ex) => setTimeout(() => ok(ex), 300));
    const { run, signalledAt, endedAt } = await cancelled(server, 'SIGINT', 3, { tags: tags.join(','), concurrency: '2' });
    const sent = server.requests.length;
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(signalledAt).toBeGreaterThan(0);
    // Ended on its own, long before the 40 targets could have been sent at 2 × 300 ms.
    expect(endedAt - signalledAt).toBeLessThan(5000);
    expect(sent).toBeLessThan(10);
    expect(run.outputs.revalidated).toBe(String(sent));
    const failed = failedOf(run);
    expect(failed).toHaveLength(40 - sent);
    expect(failed.every((f) => f.error === 'not sent: the run was cancelled (SIGINT)' && f.status === null)).toBe(true);
    expect(run.stdout).toContain(`cancelled: ${sent} revalidated, 0 failed, ${40 - sent} not sent`);
    expect(run.stdout).toContain(`::error::the run was cancelled (SIGINT): ${40 - sent} of 40 target(s) were not revalidated`);
    expect(run.summary).toContain(`> **Cancelled** (SIGINT): ${sent} revalidated, 0 failed, ${40 - sent} not sent.`);
    expect(run.summary).toContain(`### ❌ Not revalidated (${40 - sent})`);
    expect(JSON.parse(run.outputs.tags ?? '[]')).toHaveLength(40);
  });

  it('SIGTERM while the endpoint never answers: requests in flight are cut after the grace and reported as such', async () => {
    // The first target goes alone (its answer opens the other lanes), so one request is in flight.
    const server = await serve(hang);
    const { run, signalledAt, endedAt } = await cancelled(server, 'SIGTERM', 1, { tags: tags.join(','), concurrency: '2', timeout: '60' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(endedAt - signalledAt).toBeLessThan(5000);
    expect(server.requests).toHaveLength(1);
    const failed = failedOf(run);
    expect(failed).toHaveLength(40);
    expect(failed[0]).toEqual({
      type: 'tag',
      value: 't00',
      status: null,
      error: 'cut short: the run was cancelled and no reply came within 1 s (the site may still have revalidated it)',
    });
    expect(failed.slice(1).every((f) => f.error === 'not sent: the run was cancelled (SIGTERM)')).toBe(true);
    expect(run.stdout).toContain('cancelled: 0 revalidated, 1 failed, 39 not sent');
    expect(run.outputs.revalidated).toBe('0');
    expect(run.summary).toContain('> **Cancelled** (SIGTERM): 0 revalidated, 1 failed, 39 not sent.');
  });

  it('SIGINT while the changes are still being read (a stalled API): that stage is abandoned, and the report says so', async () => {
    const repo = TestRepo.create();
    repo.write({ 'content/blog/a.md': '1' });
    const before = repo.commit();
    repo.write({ 'content/blog/a.md': '2' });
    const after = repo.commit();
    const api = await startApiReplay({ repo: repo.dir, token: 'ghs_cancel', stallOn: '/compare/' });
    try {
      let signalledAt = 0;
      let endedAt = 0;
      const run = await runAction({
        event: pushPayload(before, after),
        workspace: tempDir('no-checkout-'),
        inputs: {
          endpoint: 'http://127.0.0.1:9/never',
          secret: SECRET,
          'github-token': 'ghs_cancel',
          mapping: '- files: content/blog/[slug].md\n  paths: "/blog/[slug]"\n',
        },
        env: { GITHUB_REPOSITORY: 'octo-org/content', GITHUB_API_URL: api.url },
        timeoutMs: 30_000,
        onSpawn: (child) => {
          const poll = setInterval(() => {
            if (!api.requests.some((r) => r.url.includes('/compare/'))) return;
            clearInterval(poll);
            signalledAt = Date.now();
            child.kill('SIGINT');
          }, 5);
          child.on('exit', () => {
            clearInterval(poll);
            endedAt = Date.now();
          });
        },
      });
      expect(signalledAt).toBeGreaterThan(0);
      expect(endedAt - signalledAt).toBeLessThan(5000);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('cancelled: 0 revalidated, 0 failed, 0 not sent');
      expect(run.stdout).toContain(
        '::error::the run was cancelled (SIGINT): it stopped before the targets were known, and nothing was sent',
      );
      expect(run.outputs).toMatchObject({ 'changed-files': '[]', revalidated: '0', failed: '[]' });
      expect(run.summary).toContain('> **Cancelled** (SIGINT)');
    } finally {
      await api.close();
    }
  });
});
