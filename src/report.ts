/**
 * The report: outputs, job summary, annotations. Building them is pure (`buildOutputs`,
 * `renderSummary`), writing them is the thin `writeReport` that talks to the runner.
 * It is called in `finally`, so a run that failed half-way still says what it did.
 */
// The runner's protocol without @actions/core's start-up cost: see runner.ts.
import * as core from './runner.js';
import type { MappingResult } from './mapping/apply.js';
import type { ChangeSet, Delivery, RejectedTarget, Target } from './types.js';

export interface RunReport {
  dryRun: boolean;
  /** How the compared range was chosen (or why there was nothing to compare). */
  description?: string;
  changes?: ChangeSet;
  mapping?: MappingResult;
  deliveries: Delivery[];
  warnings: string[];
  /** The error that ended the run early, already free of the secret. */
  fatal?: string;
  /** Endpoint shown to people: origin and path only. */
  endpoint?: string;
}

export interface FailedEntry {
  type: Target['type'];
  value: string;
  /** HTTP status of the last reply, or null when none was received. */
  status: number | null;
  error: string;
}

export function failedEntries(report: RunReport): FailedEntry[] {
  const fromDeliveries = report.deliveries
    .filter((d) => d.status === 'failed' || d.status === 'skipped')
    .map((d) => ({ type: d.target.type, value: d.target.value, status: d.httpStatus ?? null, error: d.error ?? d.status }));
  const rejected = (report.mapping?.rejected ?? []).map((r: RejectedTarget) => ({ type: r.type, value: r.value, status: null, error: `not sent: ${r.reason}` }));
  return [...fromDeliveries, ...rejected];
}

export function buildOutputs(report: RunReport): Record<string, string> {
  const targets = report.mapping?.targets ?? [];
  return {
    'changed-files': JSON.stringify((report.changes?.files ?? []).map((f) => f.path)),
    paths: JSON.stringify(targets.filter((t) => t.type === 'path').map((t) => t.value)),
    tags: JSON.stringify(targets.filter((t) => t.type === 'tag').map((t) => t.value)),
    revalidated: String(report.deliveries.filter((d) => d.status === 'revalidated').length),
    failed: JSON.stringify(failedEntries(report)),
  };
}

export interface Counts {
  changed: number;
  unmatched: number;
  targets: number;
  revalidated: number;
  failed: number;
  skipped: number;
  rejected: number;
}

export function countResults(report: RunReport): Counts {
  const d = report.deliveries;
  return {
    changed: report.changes?.files.length ?? 0,
    unmatched: report.mapping?.unmatched.length ?? 0,
    targets: report.mapping?.targets.length ?? 0,
    revalidated: d.filter((x) => x.status === 'revalidated').length,
    failed: d.filter((x) => x.status === 'failed').length,
    skipped: d.filter((x) => x.status === 'skipped').length,
    rejected: report.mapping?.rejected.length ?? 0,
  };
}

/** Whether the step should fail: a fatal error, or (with fail-on-error) any target not revalidated. */
export function hasFailures(report: RunReport): boolean {
  const c = countResults(report);
  return c.failed + c.skipped + c.rejected > 0;
}

const MAX_ROWS = 500;

export function renderSummary(report: RunReport): string {
  const c = countResults(report);
  const out: string[] = ['## isr-revalidate', ''];
  if (report.fatal) out.push(`> [!CAUTION]`, `> ${escapeText(report.fatal).replace(/\n/g, '\n> ')}`, '');
  const headline = report.dryRun
    ? `🧪 **Dry run**: ${c.targets} target${plural(c.targets)} would be sent, nothing was sent`
    : `✅ **${c.revalidated} revalidated** · ${c.failed ? '❌' : '✔️'} **${c.failed} failed** · ⏭️ **${c.skipped + c.rejected} not sent**`;
  out.push(headline, '');
  out.push(`| changed files | matched | unmatched | paths | tags |`, `| ---: | ---: | ---: | ---: | ---: |`);
  const targets = report.mapping?.targets ?? [];
  out.push(
    `| ${c.changed} | ${c.changed - c.unmatched} | ${c.unmatched} | ${targets.filter((t) => t.type === 'path').length} | ${targets.filter((t) => t.type === 'tag').length} |`,
    '',
  );
  if (report.description) out.push(`Compared: ${escapeText(report.description)}${report.changes ? ` (via ${report.changes.source})` : ''}`, '');
  if (report.endpoint) out.push(`Endpoint: \`${escapeText(report.endpoint)}\``, '');

  const problems = failedEntries(report);
  if (problems.length > 0) {
    out.push(`### Not revalidated (${problems.length})`, '', '| target | HTTP | why |', '| --- | ---: | --- |');
    for (const p of problems.slice(0, MAX_ROWS)) out.push(`| ${p.type} ${code(p.value)} | ${p.status ?? '–'} | ${escapeCell(p.error)} |`);
    if (problems.length > MAX_ROWS) out.push(`| … | | ${problems.length - MAX_ROWS} more in the \`failed\` output |`);
    out.push('');
  }
  if (report.deliveries.length > 0 || (report.dryRun && targets.length > 0)) {
    out.push('### Targets', '', '| target | status | HTTP | attempts | time |', '| --- | --- | ---: | ---: | ---: |');
    const rows = report.deliveries.length > 0 ? report.deliveries : targets.map((t) => ({ target: t, status: 'dry-run' as const, attempts: 0, ms: 0 }));
    for (const d of rows.slice(0, MAX_ROWS)) {
      const http = 'httpStatus' in d && d.httpStatus !== undefined ? String(d.httpStatus) : '–';
      out.push(`| ${d.target.type} ${code(d.target.value)} | ${STATUS_LABEL[d.status]} | ${http} | ${d.attempts} | ${d.ms} ms |`);
    }
    if (rows.length > MAX_ROWS) out.push(`| … ${rows.length - MAX_ROWS} more | | | | |`);
    out.push('');
  }
  const perFile = report.mapping?.perFile ?? [];
  if (perFile.length > 0 || c.unmatched > 0) {
    const open = perFile.length <= 20 ? ' open' : '';
    out.push(`<details${open}><summary>Changed files and what each revalidates (${perFile.length} matched, ${c.unmatched} unmatched)</summary>`, '');
    for (const f of perFile.slice(0, MAX_ROWS)) {
      out.push(`- ${code(f.file)} (${f.status}) → ${f.targets.map((t) => code(t)).join(', ')}`);
    }
    if (perFile.length > MAX_ROWS) out.push(`- … ${perFile.length - MAX_ROWS} more`);
    const unmatched = report.mapping?.unmatched ?? [];
    if (unmatched.length > 0) {
      out.push(`- unmatched: ${unmatched.slice(0, 50).map((f) => code(f)).join(', ')}${unmatched.length > 50 ? `, … ${unmatched.length - 50} more` : ''}`);
    }
    out.push('', '</details>', '');
  }
  if (report.warnings.length > 0) {
    out.push('### Warnings', '', ...report.warnings.map((w) => `- ${escapeText(w)}`), '');
  }
  return out.join('\n');
}

const STATUS_LABEL: Record<Delivery['status'], string> = {
  revalidated: '✅ revalidated',
  failed: '❌ failed',
  skipped: '⏭️ skipped',
  'dry-run': '🧪 dry run',
};

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeCell(s: string): string {
  return escapeText(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Inline code that survives any content: HTML <code> with escaped text. */
function code(s: string): string {
  return `<code>${escapeCell(s)}</code>`;
}

/** Writes outputs, annotations and the job summary. Never throws: reporting must not hide the result. */
export async function writeReport(report: RunReport): Promise<void> {
  for (const [name, value] of Object.entries(buildOutputs(report))) core.setOutput(name, value);
  for (const w of report.warnings) core.warning(w);
  for (const p of failedEntries(report)) {
    core.error(`${p.type} ${p.value}: ${p.error}`, { title: 'isr-revalidate: not revalidated' });
  }
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderSummary(report), true).write();
    } catch (e) {
      core.warning(`could not write the job summary: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
