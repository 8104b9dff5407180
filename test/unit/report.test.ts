/**
 * The job summary and the verdict, rendered for realistic runs (the example repository's
 * mapping applied to a real-looking push) and read back as a person would: the counts, the
 * tables, the failures with the server's words, folding of long lists.
 */
import { describe, expect, it } from 'vitest';
import { buildOutputs, conclude, renderSummary, type RunReport } from '../../src/report.js';
import { bigRun, dryRunReport, partialFailureRun, refusedSecretRun, successRun } from '../helpers/runs.js';

/** Every Markdown table in the text: header cells and the cells of each row. */
function tables(markdown: string): Array<{ header: string[]; rows: string[][] }> {
  const result: Array<{ header: string[]; rows: string[][] }> = [];
  const lines = markdown.split('\n');
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith('|') || !/^\|[\s:|-]+\|$/.test(lines[i + 1] ?? '')) continue;
    const table = { header: cells(lines[i] ?? ''), rows: [] as string[][] };
    for (i += 2; lines[i]?.startsWith('|'); i++) table.rows.push(cells(lines[i] ?? ''));
    result.push(table);
  }
  return result;
}

function table(markdown: string, firstHeader: string, secondHeader: string) {
  const found = tables(markdown).find((t) => t.header[0] === firstHeader && t.header[1] === secondHeader);
  if (!found) throw new Error(`no table starting "${firstHeader} | ${secondHeader}" in:\n${markdown}`);
  return found;
}

/** The row of a table whose first cell shows this target value. */
function row(t: { rows: string[][] }, value: string): string[] {
  const found = t.rows.find((r) => r[0]?.includes(`<code>${value}</code>`));
  if (!found) throw new Error(`no row for ${value}`);
  return found;
}

function expectWellFormedTables(markdown: string) {
  for (const t of tables(markdown)) for (const r of t.rows) expect(r).toHaveLength(t.header.length);
}

describe('job summary: a successful push', () => {
  const report = successRun();
  const md = renderSummary(report);

  it('gives the counts at a glance', () => {
    expect(md).toContain('✅ **11 revalidated** · ✔️ **0 failed**');
    expect(md).not.toContain('not sent**');
    const counts = table(md, 'changed files', 'matched a rule');
    expect(counts.rows).toEqual([['7', '5', '2', '6', '5']]);
    expect(md).toContain('**Compared:** push to refs/heads/main: 3f2a9c1 → 9b8c7d6 (git diff)');
    expect(md).toContain('**Endpoint:** <code>https\\://www\\.example.com/api/revalidate</code>');
    expect(md).not.toContain('Not revalidated');
  });

  it('lists every target with status, HTTP code, attempts and time', () => {
    const targets = table(md, 'target', 'status');
    expect(targets.header).toEqual(['target', 'status', 'HTTP', 'attempts', 'time']);
    expect(targets.rows).toHaveLength(11);
    expect(row(targets, '/blog')).toEqual(['📄 <code>/blog</code>', '✅ revalidated', '200', '2', '712 ms']);
    expect(row(targets, 'authors')[0]).toBe('🏷️ <code>authors</code>');
    expect(md).toContain('### Targets (11)');
  });

  it('shows each changed file with what it produced, and counts the unmatched ones', () => {
    expect(md).toContain('<details open><summary><b>Changed files (7)</b>: 5 matched a rule, 2 unmatched</summary>');
    const files = table(md, 'file', 'change');
    expect(row(files, 'content/blog/old-news.md').slice(1)).toEqual([
      'deleted',
      '📄 <code>/blog/old-news</code>, 📄 <code>/blog</code>, 🏷️ <code>posts</code>, 🏷️ <code>post:old-news</code>',
    ]);
    expect(row(files, 'content/docs/guide/installation.md').slice(1)).toEqual([
      'renamed from <code>content/docs/guide/setup.md</code>',
      '📄 <code>/docs/guide/setup</code>, 📄 <code>/docs/guide/installation</code>',
    ]);
    expect(md).toContain('**Unmatched (2)**');
    expect(md).toContain('<code>README.md</code>, <code>content/blog/\\_draft.md</code>');
    expectWellFormedTables(md);
  });

  it('ends the run with exit code 0 and the closing line', () => {
    expect(conclude(report, true)).toEqual({ exitCode: 0, info: '11 revalidated, 0 failed, 0 not sent' });
  });
});

describe('job summary: a partial failure', () => {
  const report = partialFailureRun();
  const md = renderSummary(report);

  it('puts the failures first, with the HTTP code and the server’s message', () => {
    expect(md).toContain('✅ **9 revalidated** · ❌ **2 failed**');
    expect(md.indexOf('### ❌ Not revalidated (2)')).toBeGreaterThan(-1);
    expect(md.indexOf('### ❌ Not revalidated')).toBeLessThan(md.indexOf('### Targets'));
    const failed = table(md, 'target', 'HTTP');
    expect(failed.rows).toEqual([
      ['📄 <code>/blog/old-news</code>', '500', 'HTTP 500: "Failed to revalidate" (gave up after 4 attempts)'],
      ['🏷️ <code>authors</code>', '400', 'HTTP 400: "Invalid type"'],
    ]);
    expect(row(table(md, 'target', 'status'), '/blog/old-news')).toEqual([
      '📄 <code>/blog/old-news</code>',
      '❌ failed',
      '500',
      '4',
      '7.4 s',
    ]);
    expectWellFormedTables(md);
  });

  it('fails the run, or only warns with fail-on-error off', () => {
    expect(conclude(report, true)).toEqual({
      exitCode: 1,
      info: '9 revalidated, 2 failed, 0 not sent',
      error: '2 of 11 target(s) were not revalidated',
    });
    expect(conclude(report, false)).toMatchObject({
      exitCode: 0,
      warning: '2 of 11 target(s) were not revalidated (fail-on-error is false)',
    });
    expect(JSON.parse(buildOutputs(report).values.failed ?? '')).toEqual([
      { type: 'path', value: '/blog/old-news', status: 500, error: 'HTTP 500: "Failed to revalidate" (gave up after 4 attempts)' },
      { type: 'tag', value: 'authors', status: 400, error: 'HTTP 400: "Invalid type"' },
    ]);
  });

  it('a refused secret shows the 401 once and the rest as not sent', () => {
    const refused = renderSummary(refusedSecretRun());
    expect(refused).toContain('✅ **0 revalidated** · ❌ **1 failed** · ⏭️ **10 not sent**');
    const targets = table(refused, 'target', 'status');
    expect(targets.rows.filter((r) => r[1] === '⏭️ not sent')).toHaveLength(10);
    expect(targets.rows.filter((r) => r[1] === '⏭️ not sent').every((r) => r[3] === '–' && r[4] === '–')).toBe(true);
    expect(refused).toContain('| 401 | HTTP 401: "Invalid secret": the endpoint refused the secret');
  });
});

describe('job summary: a dry run', () => {
  const report = dryRunReport();
  const md = renderSummary(report);

  it('says nothing was sent and lists what would be', () => {
    expect(md).toContain('🧪 **Dry run**: 11 targets would be sent, nothing was sent');
    expect(md).not.toContain('revalidated**');
    const targets = table(md, 'target', 'status');
    expect(targets.rows).toHaveLength(11);
    expect(targets.rows.every((r) => r[1] === '🧪 dry run' && r[2] === '–' && r[3] === '–')).toBe(true);
    expect(md).not.toContain('Endpoint');
    expect(conclude(report, true)).toEqual({ exitCode: 0, info: '0 revalidated, 0 failed, 0 not sent (dry run)' });
  });
});

describe('job summary: long runs, odd names, fatal errors', () => {
  it('folds long lists so the counts stay at the top', () => {
    const md = renderSummary(bigRun(80));
    expect(md).toContain('<details><summary><b>Changed files (80)</b>: 80 matched a rule, 0 unmatched</summary>');
    expect(md).toContain('<details><summary><b>Targets (162)</b></summary>');
    expect(md).not.toContain('### Targets');
    expect(table(md, 'target', 'status').rows).toHaveLength(162);
  });

  it('escapes file names that hold Markdown or HTML', () => {
    const report = successRun();
    report.mapping!.unmatched.push('notes/a|b <script>.md');
    const md = renderSummary(report);
    expect(md).toContain('<code>notes/a\\|b &lt;script&gt;.md</code>');
    expect(md).not.toContain('<script>');
  });

  it('a run that stopped early says why at the top and still shows what it had', () => {
    const report: RunReport = {
      dryRun: false,
      deliveries: [],
      warnings: [],
      fatal: 'input `mapping`, line 2: YAML syntax error: <bad>\n  quote templates',
    };
    const md = renderSummary(report);
    expect(md.split('\n').slice(0, 4).join('\n')).toContain(
      '> [!CAUTION]\n> **The run stopped:** input <code>mapping</code>, line 2: YAML syntax error: &lt;bad&gt;<br>  quote templates',
    );
    expect(md).not.toContain('revalidated**');
    expect(conclude(report, false)).toEqual({ exitCode: 1, error: report.fatal });
  });
});
