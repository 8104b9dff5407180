/**
 * The report always arrives: the job summary stays under GitHub's 1 MiB per step however big the
 * run. The bundled action as a whole process, against receivers on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderSummary, SUMMARY_LIMIT, type RunReport } from '../src/report.js';
import { runAction, type ActionRun } from './helpers/action.js';
import { json, startFaultServer, type FaultServer, type Handler } from './helpers/faulty.js';

const SECRET = 'report-arrives-secret';
const servers: FaultServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(handler: Handler): Promise<FaultServer> {
  const server = await startFaultServer(handler);
  servers.push(server);
  return server;
}

const bytes = (text: string) => Buffer.byteLength(text);
const failedOf = (run: ActionRun) => JSON.parse(run.outputs.failed ?? '[]') as Array<{ type: string; value: string; status: number | null; error: string }>;

/** A CMS asking for many long paths at once: the payload is a file, so any size can be given. */
function dispatchOf(paths: string[], tags: string[] = []) {
  return { action: 'publish', client_payload: { paths, tags } };
}

/** Site paths as long as Next.js accepts (1024), each different. */
function longPaths(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `/${String(i).padStart(6, '0')}/${'segment-of-a-long-path/'.repeat(43)}end`.slice(0, 1024));
}

describe('the job summary stays under 1 MiB', () => {
  it('10,000 targets failing, with long paths and server messages: failures first, folded, the counts and where the rest is', async () => {
    const message = `the site could not regenerate this page: ${'because of a long reason '.repeat(6)}`;
    const server = await serve((ex) => json(ex, 400, { error: message }));
    const paths = longPaths(10_000);
    const run = await runAction({
      eventName: 'repository_dispatch',
      event: dispatchOf(paths),
      inputs: { endpoint: server.url, secret: SECRET, concurrency: '64', retries: '0' },
      timeoutMs: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(server.requests).toHaveLength(10_000);
    expect(failedOf(run)).toHaveLength(10_000);
    expect(run.stdout).toContain('0 revalidated, 10000 failed, 0 not sent');

    const summary = run.summary;
    expect(bytes(summary)).toBeLessThan(SUMMARY_LIMIT);
    expect(summary).toContain('✅ **0 revalidated** · ❌ **10000 failed**');
    expect(summary).toContain('| 0 | 0 | 0 | 10000 | 0 |');
    expect(summary).toContain('### ❌ Not revalidated (10000)');
    expect(summary.indexOf('### ❌ Not revalidated')).toBeLessThan(summary.indexOf('Targets (10000)'));
    const folds = [...summary.matchAll(/^\| … (\d+) more not shown here[^:]*: (.*?) \|/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(folds).toEqual([
      [expect.any(Number), 'the `failed` output lists every one, and the log has a line for each'],
      [expect.any(Number), 'the `paths` and `tags` outputs list every target'],
    ]);
    // Rows shown plus rows folded: every target accounted for in each table.
    const failureRows = summary.split('### ❌ Not revalidated')[1]?.split('\n\n')[1]?.split('\n').length ?? 0;
    expect(failureRows - 3 + (folds[0]?.[0] as number)).toBe(10_000);
    // Each failure has its line in the log, as the fold says.
    expect(run.stdout.match(/^✗ path \/\d{6}\//gm)).toHaveLength(10_000);
  });

  it('a dry run of 100,000 targets: under the limit, the counts, and where the full list is', async () => {
    const tags = Array.from({ length: 100_000 }, (_, i) => `tag-${String(i).padStart(6, '0')}-${'x'.repeat(200)}`);
    const run = await runAction({ eventName: 'repository_dispatch', event: dispatchOf([], tags), inputs: { 'dry-run': 'true' }, timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.tags ?? '[]')).toHaveLength(100_000);
    expect(bytes(run.summary)).toBeLessThan(SUMMARY_LIMIT);
    expect(run.summary).toContain('🧪 **Dry run**: 100000 targets would be sent, nothing was sent');
    expect(run.summary).toContain('| 0 | 0 | 0 | 0 | 100000 |');
    expect(run.summary).toMatch(/^\| … 99500 more not shown here: the `paths` and `tags` outputs list every target \| \| \| \| \|$/m);
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
        rejected: Array.from({ length: 20 }, (_, i) => ({ type: 'tag' as const, value: `${i}${huge}`, sources: ['input `tags`'], reason: 'tag is too long' })),
        unmatched: Array.from({ length: 60 }, (_, i) => `${i}${huge}`),
        perFile: Array.from({ length: 40 }, (_, i) => ({ file: `f${i}${huge}`, status: 'modified' as const, targets: Array.from({ length: 100 }, (_, j) => `tag:${j}${huge}`) })),
      },
    };
    const summary = renderSummary(report);
    expect(bytes(summary)).toBeLessThan(SUMMARY_LIMIT);
    expect(summary).toContain('### ❌ Not revalidated (20)');
    expect(summary).toContain('### ⚠️ Warnings (50)');
    expect(summary).toContain('<b>Changed files (100)</b>: 40 matched a rule, 60 unmatched');
  });
});
