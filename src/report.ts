/**
 * The report: outputs, job summary and the run's verdict, built from a RunReport by pure
 * functions. Writing them is left to the edges: `report-actions.ts` for the action (outputs,
 * annotations, $GITHUB_STEP_SUMMARY) and `cli.ts` for the command line, so this module never
 * touches @actions/core and the command's bundle does not carry it.
 */
import { ACTION_NAMES, type Names } from './inputs.js';
import type { MappingResult } from './mapping/apply.js';
import { clip, markdownCode, markdownText, printable } from './text.js';
import type { ChangeSet, Delivery, PathCheck, RejectedTarget, Target, Verification } from './types.js';

export interface RunReport {
  dryRun: boolean;
  /** Whether targets not revalidated fail the run (input `fail-on-error`; true when unset). */
  failOnError?: boolean;
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
  /** How the edge names its settings, for what the report says of them ("input `paths`", "--paths"). */
  names?: Names;
  /** The signal that cancelled the run (SIGINT, SIGTERM), when one did. */
  cancelled?: string;
  /** What the site served at each revalidated path afterwards (input `verify`). */
  verification?: Verification;
  /** With input `endpoints`: each endpoint, its receiver, and the targets its receiver does not take. */
  endpoints?: EndpointReport[];
}

export interface EndpointReport {
  /** As shown: no credentials, no query. */
  url: string;
  receiver: string;
  /** Not sent there because its receiver cannot take them (another endpoint of the run does). */
  notTaken: Array<{ type: Target['type']; value: string; reason: string }>;
}

export interface FailedEntry {
  type: Target['type'];
  value: string;
  /** HTTP status of the last reply, or null when none was received. */
  status: number | null;
  error: string;
  /** With input `endpoints`: where the target was not revalidated. */
  endpoint?: string;
}

/** Where a target came from: its files, then the inputs that named it, as the edge names them. */
export function origins(target: Target, names: Names = ACTION_NAMES): string[] {
  return [...target.sources, ...(target.inputs ?? []).map((input) => names.input(input))];
}

export function failedEntries(report: RunReport): FailedEntry[] {
  const fromDeliveries = report.deliveries
    .filter((d) => d.status === 'failed' || d.status === 'skipped')
    .map((d) => ({
      type: d.target.type,
      value: d.target.value,
      status: d.httpStatus ?? null,
      error: d.error ?? d.status,
      ...(d.endpoint !== undefined ? { endpoint: d.endpoint } : {}),
    }));
  const rejected = (report.mapping?.rejected ?? []).map((r: RejectedTarget) => ({
    type: r.type,
    value: r.value,
    status: null,
    error: `not sent: ${r.reason}; from ${origins(r, report.names).map(printable).join(', ')}`,
  }));
  return [...fromDeliveries, ...rejected];
}

/**
 * GitHub shows at most 10 error annotations per step: past that, one line says how many more
 * there are and where they are all listed, instead of thousands of lines nobody sees.
 */
export const MAX_ANNOTATIONS = 10;

export function failureAnnotations(report: RunReport, max = MAX_ANNOTATIONS): string[] {
  const entries = failedEntries(report);
  const lines = entries.map(
    (p) => `${p.type} ${printable(p.value)}${p.endpoint !== undefined ? ` at ${printable(p.endpoint)}` : ''}: ${p.error}`,
  );
  if (lines.length <= max) return lines;
  const shown = lines.slice(0, max - 1);
  const more = entries.length - shown.length;
  return [...shown, `${more} more targets were not revalidated; the job summary counts them and the log has a line for each`];
}

/**
 * GitHub keeps at most 1 MB per step output: a larger one breaks every `${{ steps.x.outputs.y }}`
 * that reads it. The JSON lists are cut to the entries that fit, and the cut is said.
 */
export const OUTPUT_LIMIT_BYTES = 1_000_000;

/** A JSON list output cut to fit: `kept` of `total` entries. */
export interface OutputCut {
  name: string;
  kept: number;
  total: number;
}

export interface Outputs {
  values: Record<string, string>;
  cuts: OutputCut[];
}

/** The step's outputs; each JSON list at most `limitBytes` (the command line passes Infinity). */
export function buildOutputs(report: RunReport, limitBytes = OUTPUT_LIMIT_BYTES): Outputs {
  const targets = report.mapping?.targets ?? [];
  const lists: Record<string, unknown[]> = {
    'changed-files': (report.changes?.files ?? []).map((f) => f.path),
    paths: targets.filter((t) => t.type === 'path').map((t) => t.value),
    tags: targets.filter((t) => t.type === 'tag').map((t) => t.value),
    failed: failedEntries(report),
    unverified: unverifiedEntries(report),
  };
  const values: Record<string, string> = {};
  const cuts: OutputCut[] = [];
  for (const [name, items] of Object.entries(lists)) {
    const { json, kept } = jsonListWithin(items, limitBytes);
    values[name] = json;
    if (kept < items.length) cuts.push({ name, kept, total: items.length });
  }
  return {
    values: {
      'changed-files': values['changed-files'] ?? '[]',
      paths: values.paths ?? '[]',
      tags: values.tags ?? '[]',
      revalidated: String(report.deliveries.filter((d) => d.status === 'revalidated').length),
      failed: values.failed ?? '[]',
      verified: String(verificationCounts(report).fresh),
      unverified: values.unverified ?? '[]',
    },
    cuts,
  };
}

/** The longest prefix of `items` whose JSON array is at most `limitBytes` (UTF-8). */
function jsonListWithin(items: unknown[], limitBytes: number): { json: string; kept: number } {
  const parts: string[] = [];
  let bytes = 2; // the brackets
  for (const item of items) {
    const part = JSON.stringify(item);
    const added = Buffer.byteLength(part) + (parts.length > 0 ? 1 : 0);
    if (bytes + added > limitBytes) break;
    parts.push(part);
    bytes += added;
  }
  return { json: `[${parts.join(',')}]`, kept: parts.length };
}

/** The warning for an output cut to GitHub's limit. */
export function cutNote(cut: OutputCut): string {
  return `output \`${cut.name}\` lists the first ${cut.kept} of ${cut.total} entries: GitHub keeps at most 1 MB per step output; the log and the job summary count them all`;
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

/** Rows shown in one table at most; the rest are left to the outputs. */
const MAX_ROWS = 500;
/** Longer lists are folded into <details> so the counts stay at the top of the page. */
const FOLD_AT = 25;

/** GitHub's limit for one step's job summary: over it the runner drops the whole summary. */
export const SUMMARY_LIMIT = 1024 * 1024;
/** What the summary may take: under the limit, whatever is in the run. */
export const SUMMARY_BUDGET = SUMMARY_LIMIT - 32 * 1024;
/** Held back while a table fills, for the line that folds it and the sections after it. */
const RESERVE = 16 * 1024;

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
export function conclude(report: RunReport, failOnError = report.failOnError ?? true, names: Names = ACTION_NAMES): Verdict {
  return withVerification(concludeDelivery(report, failOnError, names), report, names);
}

function concludeDelivery(report: RunReport, failOnError: boolean, names: Names): Verdict {
  if (report.cancelled) return concludeCancelled(report, report.cancelled);
  if (report.fatal) return { exitCode: 1, error: report.fatal };
  const c = countResults(report);
  const info = `${c.revalidated} revalidated, ${c.failed} failed, ${c.skipped + c.rejected} not sent${report.dryRun ? ' (dry run)' : ''}`;
  const notRevalidated = c.failed + c.skipped + c.rejected;
  if (notRevalidated === 0) return { exitCode: 0, info };
  const message =
    (report.endpoints?.length ?? 0) > 1
      ? `${notRevalidated} of ${report.deliveries.length + c.rejected} deliveries (targets × the endpoints that take them) were not revalidated`
      : `${notRevalidated} of ${c.targets + c.rejected} target(s) were not revalidated`;
  if (failOnError) return { exitCode: 1, info, error: message };
  return { exitCode: 0, info, warning: `${message} (${names.failOnErrorOff})` };
}

/** A cancelled run fails whatever it managed: the job was stopped, and it says how far it got. */
function concludeCancelled(report: RunReport, signal: string): Verdict {
  const c = countResults(report);
  // Targets the run never got to (it was stopped before delivery) count as not sent.
  const notSent = c.skipped + c.rejected + Math.max(0, c.targets - report.deliveries.length);
  const info = `cancelled: ${c.revalidated} revalidated, ${c.failed} failed, ${notSent} not sent`;
  const known = report.mapping !== undefined;
  const what = known
    ? `${c.failed + notSent} of ${c.targets + c.rejected} target(s) were not revalidated`
    : 'it stopped before the targets were known, and nothing was sent';
  return { exitCode: 1, info, error: `the run was cancelled (${signal}): ${what}${report.fatal ? `; ${report.fatal}` : ''}` };
}

export interface SummaryOptions {
  /** Title of the summary; the command line says where it ran. */
  title?: string;
  /** Bytes the summary may take (SUMMARY_BUDGET). */
  budget?: number;
}

/** The summary's lines, counted in bytes as they are added, so it can stay within its budget. */
class Page {
  private readonly lines: string[] = [];
  private bytes = 0;

  constructor(private readonly budget: number) {}

  push(...lines: string[]): void {
    for (const line of lines) {
      this.lines.push(line);
      this.bytes += Buffer.byteLength(line) + 1;
    }
  }

  /** Whether a line fits and still leaves `reserve` bytes for what must follow it. */
  fits(line: string, reserve = RESERVE): boolean {
    return this.bytes + Buffer.byteLength(line) + 1 + reserve <= this.budget;
  }

  text(): string {
    return this.lines.join('\n');
  }
}

/**
 * Adds a table's rows while they fit (at most MAX_ROWS, within the budget), then one row saying
 * how many were left out and where every one of them is listed.
 */
function addRows(page: Page, columns: number, total: number, row: (i: number) => string, elsewhere: string): void {
  let shown = 0;
  while (shown < total && shown < MAX_ROWS) {
    const line = row(shown);
    if (!page.fits(line)) break;
    page.push(line);
    shown++;
  }
  if (shown === total) return;
  const why = shown < MAX_ROWS && shown < total ? " (the summary stays under GitHub's 1 MiB limit)" : '';
  page.push(`| … ${total - shown} more not shown here${why}: ${elsewhere} |${' |'.repeat(columns - 1)}`);
}

/** Server messages and reasons: long enough for any real one, short enough for a table row. */
const CELL_LIMIT = 1000;
/** A target value longer than a site path may be is shown cut (the outputs hold it whole). */
const VALUE_LIMIT = 1024;
/** Messages of the run (the fatal error, warnings, the compared range): shown cut past this. */
const MESSAGE_LIMIT = 4000;

export function renderSummary(report: RunReport, options: SummaryOptions = {}): string {
  const c = countResults(report);
  const targets = report.mapping?.targets ?? [];
  const page = new Page(options.budget ?? SUMMARY_BUDGET);
  page.push(`## ${options.title ?? 'isr-revalidate'}`, '');
  pushAlerts(page, report);
  pushGlance(page, report, c, targets);
  // Failures first, with the server's own words: the reason someone opens the summary. They get
  // the budget first too; what is left goes to the warnings, then the targets, then the files.
  pushFailures(page, report);
  pushVerification(page, report);
  pushEndpoints(page, report);
  pushWarnings(page, report);
  pushTargets(page, report, targets);
  pushChangedFiles(page, report);
  return page.text();
}

/** The cancel and stop notices, above everything else. */
function pushAlerts(page: Page, report: RunReport): void {
  if (report.cancelled) {
    const verdict = concludeCancelled(report, report.cancelled);
    page.push(
      '> [!WARNING]',
      `> **Cancelled** (${report.cancelled}): ${markdownText(verdict.info?.replace(/^cancelled: /, '') ?? '')}. The tables below show what was done; what was not sent is listed with why.`,
      '',
    );
  }
  if (report.fatal) page.push('> [!CAUTION]', `> **The run stopped:** ${markdownText(clip(report.fatal, MESSAGE_LIMIT))}`, '');
}

/** Counts at a glance: the one line a reader needs when everything went well, then the file counts and what was compared. */
function pushGlance(page: Page, report: RunReport, c: Counts, targets: readonly Target[]): void {
  if (report.dryRun) {
    page.push(`🧪 **Dry run**: ${c.targets} target${plural(c.targets)} would be sent, nothing was sent`, '');
  } else if (!report.fatal || report.deliveries.length > 0) {
    const parts = [`✅ **${c.revalidated} revalidated**`, `${c.failed ? '❌' : '✔️'} **${c.failed} failed**`];
    if (c.skipped + c.rejected > 0) parts.push(`⏭️ **${c.skipped + c.rejected} not sent**`);
    page.push(parts.join(' · '), '');
  }
  const paths = targets.filter((t) => t.type === 'path').length;
  page.push(
    '| changed files | matched a rule | unmatched | paths | tags |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${c.changed} | ${c.changed - c.unmatched} | ${c.unmatched} | ${paths} | ${targets.length - paths} |`,
    '',
  );
  const context: string[] = [];
  if (report.description) {
    const compared = markdownText(clip(shortenCommits(report.description), MESSAGE_LIMIT));
    context.push(`**Compared:** ${compared}${report.changes ? ` (${SOURCE_LABEL[report.changes.source]})` : ''}`);
  }
  if (report.endpoint) context.push(`**Endpoint:** ${markdownCode(clip(report.endpoint, VALUE_LIMIT))}`);
  if (context.length > 0) page.push(context.join('<br>'), '');
}

function pushFailures(page: Page, report: RunReport): void {
  const problems = failedEntries(report);
  if (problems.length === 0) return;
  page.push(`### ❌ Not revalidated (${problems.length})`, '', '| target | HTTP | why |', '| --- | ---: | --- |');
  addRows(
    page,
    3,
    problems.length,
    (i) => {
      const p = problems[i] as FailedEntry;
      const where = p.endpoint !== undefined ? ` at ${markdownCode(clip(p.endpoint, VALUE_LIMIT))}` : '';
      return `| ${targetCell(p.type, p.value)}${where} | ${p.status ?? '–'} | ${markdownText(clip(p.error, CELL_LIMIT))} |`;
    },
    'the log has a line for each, and the `failed` output lists them (up to GitHub’s 1 MB per output)',
  );
  page.push('');
}

/** With input `endpoints`: how each endpoint did, and what its receiver did not take. */
function pushEndpoints(page: Page, report: RunReport): void {
  const endpoints = report.endpoints ?? [];
  if (endpoints.length === 0) return;
  page.push(
    `### Endpoints (${endpoints.length})`,
    '',
    '| endpoint | receiver | revalidated | failed | not sent | not taken |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  );
  for (const e of endpoints) {
    const mine = report.deliveries.filter((d) => d.endpoint === e.url);
    const count = (status: Delivery['status']) => mine.filter((d) => d.status === status).length;
    page.push(
      `| ${markdownCode(clip(e.url, VALUE_LIMIT))} | ${e.receiver} | ${count('revalidated')} | ${count('failed')} | ${count('skipped')} | ${e.notTaken.length} |`,
    );
  }
  page.push('');
  const notTaken = endpoints.flatMap((e) => e.notTaken.map((t) => ({ ...t, url: e.url })));
  if (notTaken.length === 0) return;
  page.push(
    `<details><summary><b>Not taken by an endpoint's receiver (${notTaken.length})</b>: sent only to the endpoints that take them</summary>`,
    '',
    '| target | endpoint | why |',
    '| --- | --- | --- |',
  );
  addRows(
    page,
    3,
    notTaken.length,
    (i) => {
      const t = notTaken[i] as (typeof notTaken)[number];
      return `| ${targetCell(t.type, t.value)} | ${markdownCode(clip(t.url, VALUE_LIMIT))} | ${markdownText(clip(t.reason, CELL_LIMIT))} |`;
    },
    'the log names each',
  );
  page.push('', '</details>', '');
}

function pushWarnings(page: Page, report: RunReport): void {
  if (report.warnings.length === 0) return;
  page.push(`### ⚠️ Warnings (${report.warnings.length})`, '');
  let shown = 0;
  for (const w of report.warnings) {
    const line = `- ${markdownText(clip(w, MESSAGE_LIMIT))}`;
    if (!page.fits(line)) break;
    page.push(line);
    shown++;
  }
  if (shown < report.warnings.length) page.push(`- … ${report.warnings.length - shown} more, each in the log as a warning`);
  page.push('');
}

/** Every target with how it went; on a dry run, the targets that would have been sent. */
function pushTargets(page: Page, report: RunReport, targets: readonly Target[]): void {
  const rows: Array<Pick<Delivery, 'target' | 'status' | 'httpStatus' | 'attempts' | 'ms' | 'endpoint'>> =
    report.deliveries.length > 0
      ? report.deliveries
      : report.dryRun
        ? targets.map((t) => ({ target: t, status: 'dry-run' as const, attempts: 0, ms: 0 }))
        : [];
  if (rows.length === 0) return;
  const heading = `Targets (${rows.length})`;
  const folded = rows.length > FOLD_AT;
  page.push(...(folded ? [`<details><summary><b>${heading}</b></summary>`, ''] : [`### ${heading}`, '']));
  page.push('| target | status | HTTP | attempts | time |', '| --- | --- | ---: | ---: | ---: |');
  addRows(
    page,
    5,
    rows.length,
    (i) => {
      const d = rows[i] as (typeof rows)[number];
      const sent = d.status !== 'dry-run' && d.attempts > 0;
      const where = 'endpoint' in d && d.endpoint !== undefined ? ` at ${markdownCode(clip(d.endpoint, VALUE_LIMIT))}` : '';
      return `| ${targetCell(d.target.type, d.target.value)}${where} | ${STATUS_LABEL[d.status]} | ${d.httpStatus ?? '–'} | ${sent ? d.attempts : '–'} | ${sent ? formatMs(d.ms) : '–'} |`;
    },
    'the `paths` and `tags` outputs list them (up to GitHub’s 1 MB per output)',
  );
  page.push(...(folded ? ['', '</details>', ''] : ['']));
}

/** The changed files, folded when there are many: what each revalidates, then those no rule matched. */
function pushChangedFiles(page: Page, report: RunReport): void {
  const perFile = report.mapping?.perFile ?? [];
  const unmatched = report.mapping?.unmatched ?? [];
  if (perFile.length + unmatched.length === 0) return;
  const open = perFile.length + unmatched.length <= FOLD_AT ? ' open' : '';
  page.push(
    `<details${open}><summary><b>Changed files (${perFile.length + unmatched.length})</b>: ${perFile.length} matched a rule, ${unmatched.length} unmatched</summary>`,
    '',
  );
  if (perFile.length > 0) pushMatchedFiles(page, report, perFile);
  if (unmatched.length > 0) pushUnmatchedFiles(page, unmatched);
  page.push('</details>', '');
}

function pushMatchedFiles(page: Page, report: RunReport, perFile: MappingResult['perFile']): void {
  page.push('| file | change | revalidates |', '| --- | --- | --- |');
  const previous = new Map((report.changes?.files ?? []).map((f) => [f.path, f.previousPath]));
  addRows(
    page,
    3,
    perFile.length,
    (i) => {
      const f = perFile[i] as (typeof perFile)[number];
      const from = previous.get(f.file);
      const change = from ? `${f.status} from ${markdownCode(clip(from, VALUE_LIMIT))}` : f.status;
      const produced = f.targets
        .slice(0, TARGETS_PER_FILE)
        .map((t) => targetCell(t.type, t.value))
        .join(', ');
      const more = f.targets.length > TARGETS_PER_FILE ? `, … ${f.targets.length - TARGETS_PER_FILE} more` : '';
      return `| ${markdownCode(clip(f.file, VALUE_LIMIT))} | ${change} | ${produced}${more} |`;
    },
    'the `changed-files` output lists them (up to GitHub’s 1 MB per output)',
  );
  page.push('');
}

/** One line naming the files no rule matched, or, when it does not fit, where they are listed. */
function pushUnmatchedFiles(page: Page, unmatched: readonly string[]): void {
  const shown = unmatched
    .slice(0, 50)
    .map((f) => markdownCode(clip(f, VALUE_LIMIT)))
    .join(', ');
  const line = `**Unmatched (${unmatched.length})**: no rule matches these files, so they revalidate nothing: ${shown}${unmatched.length > 50 ? `, … ${unmatched.length - 50} more` : ''}`;
  page.push(
    page.fits(line, 0)
      ? line
      : `**Unmatched (${unmatched.length})**: no rule matches these files, so they revalidate nothing (the \`changed-files\` output lists them, up to GitHub’s 1 MB per output)`,
    '',
  );
}

/** Targets shown for one changed file; a front-matter list can expand into hundreds. */
const TARGETS_PER_FILE = 20;

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
  return `${type === 'path' ? '📄' : '🏷️'} ${markdownCode(clip(value, VALUE_LIMIT))}`;
}

/** Full commit ids are noise in a summary line; seven characters name a commit as GitHub shows it. */
function shortenCommits(text: string): string {
  return text.replace(/\b([0-9a-f]{7})(?:[0-9a-f]{33}|[0-9a-f]{57})\b/g, '$1');
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

// --- log lines: what the run prints as it goes ---

/** Lists longer than this are cut in the log, with a line counting the rest. */
const LOG_LIST_LIMIT = 200;

function limited(lines: string[], total: number): string[] {
  return total > LOG_LIST_LIMIT ? [...lines.slice(0, LOG_LIST_LIMIT), `  … ${total - LOG_LIST_LIMIT} more`] : lines;
}

/** The changed files, one per line. */
export function changeLines(changes: ChangeSet): string[] {
  const files = changes.files;
  const lines = files
    .slice(0, LOG_LIST_LIMIT)
    .map((f) => `  ${f.status.padEnd(8)} ${f.previousPath ? `${f.previousPath} → ` : ''}${f.path}`);
  return [`${files.length} changed file${plural(files.length)}`, ...limited(lines, files.length)];
}

/** The targets the mapping produced, and every one it will not send (the summary may fold them). */
export function targetLines(mapped: MappingResult, names: Names = ACTION_NAMES): string[] {
  const t = mapped.targets;
  const lines = t.slice(0, LOG_LIST_LIMIT).map((x) => `  ${x.type} ${x.value}`);
  return [
    `${t.length} target${plural(t.length)}; ${mapped.unmatched.length} changed file(s) matched no rule`,
    ...limited(lines, t.length),
    ...mapped.rejected.map((r) => `  not sent: ${r.type} ${r.value}: ${r.reason}; from ${origins(r, names).join(', ')}`),
  ];
}

/** One target's delivery, as it finishes. */
export function deliveryLine(d: Delivery): string {
  const mark = d.status === 'revalidated' ? '✓' : d.status === 'skipped' ? '–' : '✗';
  const http = d.httpStatus !== undefined ? ` HTTP ${d.httpStatus}` : '';
  const notes = d.notes?.length ? ` — ${d.notes.join('; ')}` : '';
  const at = d.endpoint !== undefined ? ` at ${d.endpoint}` : '';
  return `${mark} ${d.target.type} ${d.target.value}${at}${http} (${d.attempts} attempt${d.attempts === 1 ? '' : 's'}, ${d.ms} ms)${d.error ? `: ${d.error}` : ''}${notes}`;
}

// --- verification (input `verify`): what the site served at each revalidated path ---

export interface UnverifiedEntry {
  path: string;
  /** HTTP status of the last answer, or null when none came. */
  status: number | null;
  /** "200" or "404 or 410". */
  expected: string;
  /** stale, wrong-status, error or unconfirmed. */
  result: PathCheck['result'];
  evidence: string;
}

export interface VerificationCounts {
  fresh: number;
  unconfirmed: number;
  failed: number;
}

const isVerifyFailure = (c: PathCheck) => c.result === 'stale' || c.result === 'wrong-status' || c.result === 'error';

export function verificationCounts(report: RunReport): VerificationCounts {
  const checks = report.verification?.checks ?? [];
  return {
    fresh: checks.filter((c) => c.result === 'fresh').length,
    unconfirmed: checks.filter((c) => c.result === 'unconfirmed').length,
    failed: checks.filter(isVerifyFailure).length,
  };
}

/** Every path not verified fresh, unconfirmed ones included. */
export function unverifiedEntries(report: RunReport): UnverifiedEntry[] {
  return (report.verification?.checks ?? [])
    .filter((c) => c.result !== 'fresh')
    .map((c) => ({
      path: c.path,
      status: c.status ?? null,
      expected: c.expected === 'gone' ? '404 or 410' : '200',
      result: c.result,
      evidence: c.evidence,
    }));
}

/** One annotation per path that failed verification (at most MAX_ANNOTATIONS, then a count), as errors or, with `warn`, warnings. */
export function verificationAnnotations(report: RunReport, max = MAX_ANNOTATIONS): { level: 'error' | 'warning'; lines: string[] } {
  const v = report.verification;
  const failed = (v?.checks ?? []).filter(isVerifyFailure);
  const lines = failed.map(
    (c) => `${CHECK_WORDS[c.result]}: ${printable(c.path)}${c.status !== undefined ? ` (HTTP ${c.status})` : ''}: ${c.evidence}`,
  );
  const cut =
    lines.length <= max
      ? lines
      : [
          ...lines.slice(0, max - 1),
          `${failed.length - (max - 1)} more paths failed verification; the job summary and the \`unverified\` output list them`,
        ];
  return { level: v?.mode === 'warn' ? 'warning' : 'error', lines: cut };
}

const CHECK_WORDS: Record<PathCheck['result'], string> = {
  fresh: 'fresh',
  unconfirmed: 'unconfirmed',
  stale: 'still stale',
  'wrong-status': 'wrong status',
  error: 'no answer',
};

const CHECK_LABEL: Record<PathCheck['result'], string> = {
  fresh: '✅ fresh',
  unconfirmed: '❔ unconfirmed',
  stale: '❌ stale',
  'wrong-status': '❌ wrong status',
  error: '❌ no answer',
};

/** The delivery's verdict, then verification's: `verify: true` fails the run, `warn` warns. */
function withVerification(verdict: Verdict, report: RunReport, names: Names): Verdict {
  const v = report.verification;
  if (!v || report.cancelled || report.fatal) return verdict;
  const c = verificationCounts(report);
  const info = `${verdict.info ?? ''}; verified ${c.fresh} fresh, ${c.unconfirmed} unconfirmed, ${c.failed} failed`;
  if (c.failed === 0) return { ...verdict, info };
  const message = `${c.failed} of ${v.checks.length} path(s) failed verification on ${v.site}`;
  if (v.mode === 'warn') {
    const warning = `${message} (${names.input('verify')} is warn)`;
    return { ...verdict, info, warning: verdict.warning ? `${verdict.warning}; ${warning}` : warning };
  }
  return { ...verdict, exitCode: 1, info, error: verdict.error ? `${verdict.error}; ${message}` : message };
}

function pushVerification(page: Page, report: RunReport): void {
  const v = report.verification;
  if (!v) return;
  const c = verificationCounts(report);
  page.push(
    `### 🔎 Verification (${v.checks.length} path${plural(v.checks.length)} on ${markdownCode(clip(v.site, VALUE_LIMIT))})`,
    '',
    `✅ **${c.fresh} fresh** · ❔ **${c.unconfirmed} unconfirmed** · ${c.failed ? '❌' : '✔️'} **${c.failed} failed**${v.mode === 'warn' ? ' (warn: failures do not fail the step)' : ''}`,
    '',
  );
  if (v.checks.length > 0) {
    page.push('| path | expected | result | HTTP | cache evidence | attempts | time |', '| --- | --- | --- | ---: | --- | ---: | ---: |');
    // Failures first: the reason someone opens this section.
    const rows = [...v.checks].sort((a, b) => Number(isVerifyFailure(b)) - Number(isVerifyFailure(a)));
    addRows(
      page,
      7,
      rows.length,
      (i) => {
        const check = rows[i] as PathCheck;
        return `| ${targetCell('path', check.path)} | ${check.expected === 'gone' ? '404 or 410' : '200'} | ${CHECK_LABEL[check.result]} | ${check.status ?? '–'} | ${markdownText(clip(check.evidence, CELL_LIMIT))} | ${check.attempts} | ${formatMs(check.ms)} |`;
      },
      'the log has a line for each, and the `unverified` output lists every path not verified fresh',
    );
    page.push('');
  }
  const tags = v.standIns.map(({ tag, paths }) => {
    const via =
      paths.length > 0
        ? `checked through ${paths
            .slice(0, 10)
            .map((p) => markdownCode(clip(p, VALUE_LIMIT)))
            .join(', ')}${paths.length > 10 ? `, … ${paths.length - 10} more` : ''}`
        : 'no path from the same files';
    return `${targetCell('tag', tag)}: ${via}`;
  });
  if (tags.length > 0) {
    const line = `**Tags are not visited** (a tag has no address); the paths from the same changed files stood in for them: ${tags.slice(0, 50).join('; ')}${tags.length > 50 ? `; … ${tags.length - 50} more` : ''}`;
    if (page.fits(line, 0)) page.push(line, '');
  }
}

/** One path's verification, as it finishes. */
export function checkLine(check: PathCheck): string {
  const mark = check.result === 'fresh' ? '✓' : check.result === 'unconfirmed' ? '?' : '✗';
  const http = check.status !== undefined ? ` HTTP ${check.status}` : '';
  return `${mark} ${check.path}${http} ${CHECK_WORDS[check.result]} (expected ${check.expected === 'gone' ? '404 or 410' : '200'}; ${check.attempts} visit${check.attempts === 1 ? '' : 's'}, ${check.ms} ms): ${check.evidence}`;
}
