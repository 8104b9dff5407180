/**
 * The engine: settings + event → RunReport, with every stage in order. It never touches
 * @actions/core: the action (main.ts) and the command line (cli.ts) give it a Logger and write
 * the report their own way. It fills `report` as it goes, so a run that stops half-way still
 * reports what it had done.
 */
import { isIP } from 'node:net';
import { collectChanges } from './changes/collect.js';
import { resolvePlan } from './changes/event.js';
import { formatSeconds, runBudgetMs } from './delivery/policy.js';
import { deliver } from './delivery/send.js';
import type { Settings } from './inputs.js';
import { mapChanges } from './mapping/apply.js';
import { readMappingFile } from './mapping/file.js';
import { targetLimitProblem } from './mapping/limit.js';
import { parseMapping, type ParsedMapping } from './mapping/rules.js';
import type { RunReport } from './report.js';
import type { Delivery } from './types.js';

export interface Logger {
  info(line: string): void;
  /** Detail for the debug log (ACTIONS_STEP_DEBUG); optional. */
  debug?(line: string): void;
  group<T>(name: string, body: () => Promise<T>): Promise<T>;
}

export interface RunContext {
  /** The repository checkout (GITHUB_WORKSPACE), where git runs and mapping-file is read. */
  workspace: string;
  eventName: string;
  payload: unknown;
  /** owner/name (GITHUB_REPOSITORY), GITHUB_API_URL and GITHUB_SERVER_URL: for the compare API source. */
  repository?: string;
  apiUrl?: string;
  serverUrl?: string;
  /** Aborted when the run is cancelled: nothing new is sent (see delivery/send.ts). */
  signal?: AbortSignal;
}

const LIST_LIMIT = 200;

export async function runEngine(settings: Settings, context: RunContext, log: Logger, report: RunReport): Promise<void> {
  report.dryRun = settings.dryRun;
  if (settings.endpoint) report.endpoint = displayEndpoint(settings.endpoint);
  if (settings.endpoint && !settings.dryRun) warnOnCleartext(settings.endpoint, report);

  const mapping = await loadMapping(settings, context.workspace);
  report.warnings.push(...mapping.warnings);

  const { plan, changes } = await log.group('Changes', async () => {
    const plan = resolvePlan({
      eventName: context.eventName,
      payload: context.payload,
      base: settings.base,
      head: settings.head,
      hasExplicitTargets: settings.paths.length + settings.tags.length > 0,
    });
    report.description = plan.description;
    log.info(plan.description);
    report.warnings.push(...plan.warnings);
    const changes = await collectChanges(plan, {
      workspace: context.workspace,
      diffSource: settings.diffSource,
      log: (l) => log.info(l),
      warn: (w) => report.warnings.push(w),
      api: { token: settings.githubToken, repository: context.repository, apiUrl: context.apiUrl, serverUrl: context.serverUrl },
    });
    report.changes = changes;
    report.description = changes.description;
    log.info(`${changes.files.length} changed file${changes.files.length === 1 ? '' : 's'}`);
    for (const f of changes.files.slice(0, LIST_LIMIT)) log.info(`  ${f.status.padEnd(8)} ${f.previousPath ? `${f.previousPath} → ` : ''}${f.path}`);
    if (changes.files.length > LIST_LIMIT) log.info(`  … ${changes.files.length - LIST_LIMIT} more`);
    return { plan, changes };
  });

  const mapped = await log.group('Mapping', async () => {
    const extraPaths = [...settings.paths, ...(plan.kind === 'explicit' ? plan.paths : [])];
    const extraTags = [...settings.tags, ...(plan.kind === 'explicit' ? plan.tags : [])];
    const mapped = mapChanges(mapping.rules, changes.files, { paths: extraPaths, tags: extraTags });
    report.mapping = mapped;
    if (mapping.rules.length === 0 && changes.files.length > 0) {
      report.warnings.push('no `mapping` or `mapping-file` given: changed files map to nothing, only the `paths` and `tags` inputs are sent');
    }
    log.info(`${mapped.targets.length} target${mapped.targets.length === 1 ? '' : 's'}; ${mapped.unmatched.length} changed file(s) matched no rule`);
    for (const t of mapped.targets.slice(0, LIST_LIMIT)) log.info(`  ${t.type} ${t.value}`);
    if (mapped.targets.length > LIST_LIMIT) log.info(`  … ${mapped.targets.length - LIST_LIMIT} more`);
    // Every one: the summary may fold them, and they are never sent.
    for (const r of mapped.rejected) log.info(`  not sent: ${r.type} ${r.value}: ${r.reason}; from ${r.sources.join(', ')}`);
    return mapped;
  });

  const tooMany = targetLimitProblem(mapped, settings.maxTargets, settings.dryRun);
  if (tooMany && !settings.dryRun) throw new Error(tooMany);
  if (tooMany) report.warnings.push(tooMany);
  if (settings.dryRun) {
    log.info(`dry run: ${mapped.targets.length} target(s) computed, nothing sent`);
    return;
  }
  if (mapped.targets.length === 0) {
    log.info('nothing to revalidate');
    return;
  }
  await log.group('Delivery', async () => {
    const budget = runBudgetMs({ targets: mapped.targets.length, concurrency: settings.concurrency, retries: settings.retries, timeoutMs: settings.timeoutMs });
    const deadlineNote = `${formatSeconds(budget)}, from \`timeout\`, \`retries\` and \`concurrency\` for ${mapped.targets.length} target${mapped.targets.length === 1 ? '' : 's'}`;
    log.info(`sending ${mapped.targets.length} target${mapped.targets.length === 1 ? '' : 's'}, up to ${settings.concurrency} at a time; run deadline ${deadlineNote}`);
    report.deliveries = await deliver(mapped.targets, {
      endpoint: settings.endpoint as string,
      secret: settings.secret as string,
      secretHeader: settings.secretHeader,
      concurrency: settings.concurrency,
      retries: settings.retries,
      timeoutMs: settings.timeoutMs,
      deadline: Date.now() + budget,
      deadlineNote,
      onDelivery: (d) => log.info(deliveryLine(d)),
      notice: (line) => log.info(line),
      ...(context.signal ? { signal: context.signal } : {}),
      ...(log.debug ? { debug: (line: string) => log.debug?.(line) } : {}),
    });
  });
}

async function loadMapping(settings: Settings, workspace: string): Promise<ParsedMapping> {
  if (settings.mapping !== undefined) return parseMapping(settings.mapping, 'input `mapping`');
  if (settings.mappingFile === undefined) return { rules: [], warnings: [] };
  return parseMapping(await readMappingFile(workspace, settings.mappingFile), `mapping-file \`${settings.mappingFile}\``);
}

function displayEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}

function warnOnCleartext(endpoint: string, report: RunReport): void {
  const url = new URL(endpoint);
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    report.warnings.push(`endpoint ${url.origin} is plain http://: the secret travels in clear text; use https://`);
  }
}

/**
 * Whether a parsed URL host is this machine: `localhost`, an IPv4 literal in 127.0.0.0/8 or
 * `[::1]`. Decided on the parsed host, never on how the name begins: `127.0.0.1.evil.example`
 * is a name anyone can point anywhere. (The URL parser has already lower-cased the name and
 * turned IPv4 shorthand such as `0x7f.1` into dotted form.)
 */
export function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}

export function deliveryLine(d: Delivery): string {
  const mark = d.status === 'revalidated' ? '✓' : d.status === 'skipped' ? '–' : '✗';
  const http = d.httpStatus !== undefined ? ` HTTP ${d.httpStatus}` : '';
  const notes = d.notes?.length ? ` — ${d.notes.join('; ')}` : '';
  return `${mark} ${d.target.type} ${d.target.value}${http} (${d.attempts} attempt${d.attempts === 1 ? '' : 's'}, ${d.ms} ms)${d.error ? `: ${d.error}` : ''}${notes}`;
}
