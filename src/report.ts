/**
 * The report: outputs, job summary and the run's verdict, built from a RunReport by pure
 * functions. Writing them is left to the edges: `report-actions.ts` for the action (outputs,
 * annotations, $GITHUB_STEP_SUMMARY) and `cli.ts` for the command line, so this module never
 * touches @actions/core and the command's bundle does not carry it.
 */
import type { MappingResult } from './mapping/apply.js';
import { markdownCode, markdownText, printable } from './text.js';
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
  const rejected = (report.mapping?.rejected ?? []).map((r: RejectedTarget) => ({ type: r.type, value: r.value, status: null, error: `not sent: ${r.reason}; from ${r.sources.map(printable).join(', ')}` }));
  return [...fromDeliveries, ...rejected];
}

/**
 * GitHub shows at most 10 error annotations per step: past that, one line says how many more
 * there are and where they are all listed, instead of thousands of lines nobody sees.
 */
export const MAX_ANNOTATIONS = 10;

export function failureAnnotations(report: RunReport, max = MAX_ANNOTATIONS): string[] {
  const entries = failedEntries(report);
  const lines = entries.map((p) => `${p.type} ${printable(p.value)}: ${p.error}`);
  if (lines.length <= max) return lines;
  const shown = lines.slice(0, max - 1);
  const more = entries.length - shown.length;
  return [...shown, `${more} more targets were not revalidated; the job summary and the \`failed\` output list every one`];
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

/** Rows shown in one table before the rest is left to the outputs. */
const MAX_ROWS = 500;
/** Longer lists are folded into <details> so the counts stay at the top of the page. */
const FOLD_AT = 25;

export interface Verdict {
  exitCode: 0 | 1;
  /** The closing line for the log. */
  info?: string;
  /** Set when targets failed but fail-on-error is false. */
  warning?: string;
  /** Set when the run fails: the step's (or command's) failure message. */
  error?: string;
}

/** How the run ends: one function for the action and the command, so both say the same. */
export function conclude(report: RunReport, failOnError: boolean): Verdict {
  if (report.fatal) return { exitCode: 1, error: report.fatal };
  const c = countResults(report);
  const info = `${c.revalidated} revalidated, ${c.failed} failed, ${c.skipped + c.rejected} not sent${report.dryRun ? ' (dry run)' : ''}`;
  const notRevalidated = c.failed + c.skipped + c.rejected;
  if (notRevalidated === 0) return { exitCode: 0, info };
  const message = `${notRevalidated} of ${c.targets + c.rejected} target(s) were not revalidated`;
  if (failOnError) return { exitCode: 1, info, error: message };
  return { exitCode: 0, info, warning: `${message} (fail-on-error is false)` };
}

export interface SummaryOptions {
  /** Title of the summary; the command line says where it ran. */
  title?: string;
}

export function renderSummary(report: RunReport, options: SummaryOptions = {}): string {
  const c = countResults(report);
  const targets = report.mapping?.targets ?? [];
  const out: string[] = [`## ${options.title ?? 'isr-revalidate'}`, ''];
  if (report.fatal) out.push('> [!CAUTION]', `> **The run stopped:** ${markdownText(report.fatal)}`, '');

  // Counts at a glance: the one line a reader needs when everything went well.
  if (report.dryRun) {
    out.push(`🧪 **Dry run**: ${c.targets} target${plural(c.targets)} would be sent, nothing was sent`, '');
  } else if (!report.fatal || report.deliveries.length > 0) {
    const parts = [`✅ **${c.revalidated} revalidated**`, `${c.failed ? '❌' : '✔️'} **${c.failed} failed**`];
    if (c.skipped + c.rejected > 0) parts.push(`⏭️ **${c.skipped + c.rejected} not sent**`);
    out.push(parts.join(' · '), '');
  }
  const paths = targets.filter((t) => t.type === 'path').length;
  out.push(
    '| changed files | matched a rule | unmatched | paths | tags |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${c.changed} | ${c.changed - c.unmatched} | ${c.unmatched} | ${paths} | ${targets.length - paths} |`,
    '',
  );
  const context: string[] = [];
  if (report.description) context.push(`**Compared:** ${markdownText(shortenCommits(report.description))}${report.changes ? ` (${SOURCE_LABEL[report.changes.source]})` : ''}`);
  if (report.endpoint) context.push(`**Endpoint:** ${markdownCode(report.endpoint)}`);
  if (context.length > 0) out.push(context.join('<br>'), '');

  // Failures first, with the server's own words: the reason someone opens the summary.
  const problems = failedEntries(report);
  if (problems.length > 0) {
    out.push(`### ❌ Not revalidated (${problems.length})`, '', '| target | HTTP | why |', '| --- | ---: | --- |');
    for (const p of problems.slice(0, MAX_ROWS)) out.push(`| ${targetCell(p.type, p.value)} | ${p.status ?? '–'} | ${markdownText(p.error)} |`);
    if (problems.length > MAX_ROWS) out.push(`| … | | ${problems.length - MAX_ROWS} more in the \`failed\` output |`);
    out.push('');
  }

  const rows: Array<Pick<Delivery, 'target' | 'status' | 'httpStatus' | 'attempts' | 'ms'>> =
    report.deliveries.length > 0 ? report.deliveries : report.dryRun ? targets.map((t) => ({ target: t, status: 'dry-run' as const, attempts: 0, ms: 0 })) : [];
  if (rows.length > 0) {
    const table = ['| target | status | HTTP | attempts | time |', '| --- | --- | ---: | ---: | ---: |'];
    for (const d of rows.slice(0, MAX_ROWS)) {
      const sent = d.status !== 'dry-run' && d.attempts > 0;
      table.push(`| ${targetCell(d.target.type, d.target.value)} | ${STATUS_LABEL[d.status]} | ${d.httpStatus ?? '–'} | ${sent ? d.attempts : '–'} | ${sent ? formatMs(d.ms) : '–'} |`);
    }
    if (rows.length > MAX_ROWS) table.push(`| … ${rows.length - MAX_ROWS} more | | | | |`);
    const heading = `Targets (${rows.length})`;
    if (rows.length > FOLD_AT) out.push(`<details><summary><b>${heading}</b></summary>`, '', ...table, '', '</details>', '');
    else out.push(`### ${heading}`, '', ...table, '');
  }

  const perFile = report.mapping?.perFile ?? [];
  const unmatched = report.mapping?.unmatched ?? [];
  if (perFile.length + unmatched.length > 0) {
    const open = perFile.length + unmatched.length <= FOLD_AT ? ' open' : '';
    out.push(
      `<details${open}><summary><b>Changed files (${perFile.length + unmatched.length})</b>: ${perFile.length} matched a rule, ${unmatched.length} unmatched</summary>`,
      '',
    );
    if (perFile.length > 0) {
      out.push('| file | change | revalidates |', '| --- | --- | --- |');
      const previous = new Map((report.changes?.files ?? []).map((f) => [f.path, f.previousPath]));
      for (const f of perFile.slice(0, MAX_ROWS)) {
        const from = previous.get(f.file);
        const change = from ? `${f.status} from ${markdownCode(from)}` : f.status;
        out.push(`| ${markdownCode(f.file)} | ${change} | ${f.targets.map(targetKey).join(', ')} |`);
      }
      if (perFile.length > MAX_ROWS) out.push(`| … ${perFile.length - MAX_ROWS} more | | |`);
      out.push('');
    }
    if (unmatched.length > 0) {
      const shown = unmatched.slice(0, 50).map((f) => markdownCode(f)).join(', ');
      out.push(`**Unmatched (${unmatched.length})**: no rule matches these files, so they revalidate nothing: ${shown}${unmatched.length > 50 ? `, … ${unmatched.length - 50} more` : ''}`, '');
    }
    out.push('</details>', '');
  }
  if (report.warnings.length > 0) {
    out.push(`### ⚠️ Warnings (${report.warnings.length})`, '', ...report.warnings.map((w) => `- ${markdownText(w)}`), '');
  }
  return out.join('\n');
}

const STATUS_LABEL: Record<Delivery['status'], string> = {
  revalidated: '✅ revalidated',
  failed: '❌ failed',
  skipped: '⏭️ not sent',
  'dry-run': '🧪 dry run',
};

const SOURCE_LABEL: Record<ChangeSet['source'], string> = {
  git: 'git diff',
  api: 'GitHub compare API',
  explicit: 'given explicitly',
  none: 'no diff',
};

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function targetCell(type: Target['type'], value: string): string {
  return `${type === 'path' ? '📄' : '🏷️'} ${markdownCode(value)}`;
}

/** `path:/blog/x` → the same icon and code as the targets table. */
function targetKey(key: string): string {
  const i = key.indexOf(':');
  const type = key.slice(0, i) === 'tag' ? 'tag' : 'path';
  return targetCell(type, key.slice(i + 1));
}

/** Full commit ids are noise in a summary line; seven characters name a commit as GitHub shows it. */
function shortenCommits(text: string): string {
  return text.replace(/\b([0-9a-f]{7})(?:[0-9a-f]{33}|[0-9a-f]{57})\b/g, '$1');
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
