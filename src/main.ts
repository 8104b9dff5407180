/**
 * run(): the one place that wires the stages together.
 *   settings → plan → changes → targets → deliveries → report
 * The report is written in `finally`, so every output is set on every run, also on failure.
 */
import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { collectChanges } from './changes/collect.js';
import { resolvePlan } from './changes/event.js';
import { deliver, redactor } from './delivery/send.js';
import { readSettings, type Settings } from './inputs.js';
import { mapChanges } from './mapping/apply.js';
import { parseMapping, type ParsedMapping } from './mapping/rules.js';
import { countResults, hasFailures, writeReport, type RunReport } from './report.js';
import type { Delivery } from './types.js';

export async function run(): Promise<void> {
  const report: RunReport = { dryRun: false, deliveries: [], warnings: [] };
  let redact = (text: string) => text;
  let failOnError = true;
  try {
    const settings = readSettings();
    redact = redactor(settings.secret ?? '');
    failOnError = settings.failOnError;
    report.dryRun = settings.dryRun;
    if (settings.endpoint) report.endpoint = displayEndpoint(settings.endpoint);
    if (settings.endpoint && !settings.dryRun) warnOnCleartext(settings.endpoint, report);
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();

    const mapping = await loadMapping(settings, workspace);
    report.warnings.push(...mapping.warnings);

    core.startGroup('Changes');
    const plan = resolvePlan({
      eventName: process.env.GITHUB_EVENT_NAME ?? '',
      payload: await readEventPayload(),
      base: settings.base,
      head: settings.head,
      hasExplicitTargets: settings.paths.length + settings.tags.length > 0,
    });
    report.description = plan.description;
    core.info(plan.description);
    report.warnings.push(...plan.warnings);
    const changes = await collectChanges(plan, { workspace, diffSource: settings.diffSource, log: (l) => core.info(l) });
    report.changes = changes;
    core.info(`${changes.files.length} changed file${changes.files.length === 1 ? '' : 's'}`);
    for (const f of changes.files.slice(0, 200)) core.info(`  ${f.status.padEnd(8)} ${f.previousPath ? `${f.previousPath} → ` : ''}${f.path}`);
    if (changes.files.length > 200) core.info(`  … ${changes.files.length - 200} more`);
    core.endGroup();

    core.startGroup('Mapping');
    const extraPaths = [...settings.paths, ...(plan.kind === 'explicit' ? plan.paths : [])];
    const extraTags = [...settings.tags, ...(plan.kind === 'explicit' ? plan.tags : [])];
    const mapped = mapChanges(mapping.rules, changes.files, { paths: extraPaths, tags: extraTags });
    report.mapping = mapped;
    if (mapping.rules.length === 0 && changes.files.length > 0) {
      report.warnings.push('no `mapping` or `mapping-file` given: changed files map to nothing, only the `paths` and `tags` inputs are sent');
    }
    core.info(`${mapped.targets.length} target${mapped.targets.length === 1 ? '' : 's'}; ${mapped.unmatched.length} changed file(s) matched no rule`);
    for (const t of mapped.targets.slice(0, 200)) core.info(`  ${t.type} ${t.value}`);
    if (mapped.targets.length > 200) core.info(`  … ${mapped.targets.length - 200} more`);
    core.endGroup();

    if (settings.dryRun) {
      core.info(`dry run: ${mapped.targets.length} target(s) computed, nothing sent`);
    } else if (mapped.targets.length > 0) {
      core.startGroup('Delivery');
      report.deliveries = await deliver(mapped.targets, {
        endpoint: settings.endpoint as string,
        secret: settings.secret as string,
        secretHeader: settings.secretHeader,
        concurrency: settings.concurrency,
        retries: settings.retries,
        timeoutMs: settings.timeoutMs,
        onDelivery: (d) => core.info(deliveryLine(d)),
      });
      core.endGroup();
    } else {
      core.info('nothing to revalidate');
    }
  } catch (error) {
    report.fatal = redact(error instanceof Error ? error.message : String(error));
  } finally {
    await writeReport(report);
    const c = countResults(report);
    if (!report.fatal) {
      core.info(`${c.revalidated} revalidated, ${c.failed} failed, ${c.skipped + c.rejected} not sent${report.dryRun ? ' (dry run)' : ''}`);
    }
    if (report.fatal) core.setFailed(report.fatal);
    else if (hasFailures(report)) {
      const message = `${c.failed + c.skipped + c.rejected} of ${c.targets + c.rejected} target(s) were not revalidated`;
      if (failOnError) core.setFailed(message);
      else core.warning(`${message} (fail-on-error is false)`);
    }
  }
}

async function loadMapping(settings: Settings, workspace: string): Promise<ParsedMapping> {
  if (settings.mapping !== undefined) return parseMapping(settings.mapping, 'input `mapping`');
  if (settings.mappingFile === undefined) return { rules: [], warnings: [] };
  const file = isAbsolute(settings.mappingFile) ? settings.mappingFile : resolve(workspace, settings.mappingFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`input \`mapping-file\`: cannot read ${relative(workspace, file) || file}${code === 'ENOENT' ? ' (no such file in the workspace; is the repository checked out?)' : `: ${code ?? String(e)}`}`, { cause: e });
  }
  return parseMapping(text, `mapping-file \`${settings.mappingFile}\``);
}

async function readEventPayload(): Promise<unknown> {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) return {};
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (e) {
    throw new Error(`cannot read the event payload at GITHUB_EVENT_PATH (${path}): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function displayEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}

function warnOnCleartext(endpoint: string, report: RunReport): void {
  const url = new URL(endpoint);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol === 'http:' && !loopback) {
    report.warnings.push(`endpoint ${url.origin} is plain http://: the secret travels in clear text; use https://`);
  }
}

function deliveryLine(d: Delivery): string {
  const mark = d.status === 'revalidated' ? '✓' : d.status === 'skipped' ? '–' : '✗';
  const http = d.httpStatus !== undefined ? ` HTTP ${d.httpStatus}` : '';
  return `${mark} ${d.target.type} ${d.target.value}${http} (${d.attempts} attempt${d.attempts === 1 ? '' : 's'}, ${d.ms} ms)${d.error ? `: ${d.error}` : ''}`;
}
