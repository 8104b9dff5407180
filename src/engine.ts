/**
 * The engine: raw inputs + the run's context → RunReport, with every stage in order:
 * settings → mapping rules → changes → targets → deliveries. It never touches @actions/core: the
 * action (action/) and the command line (cli/) give it a Logger and the names of their settings,
 * and write the report it returns their own way.
 *
 * It owns the run's envelope: a failure half-way, or a cancellation, still returns the report of
 * what was done, with the reason in `fatal` (free of the secret) or `cancelled`.
 */
import { isIP } from 'node:net';
import { untilCancelled } from './cancel.js';
import { collectChanges } from './changes/collect.js';
import { resolvePlan, type Plan } from './changes/event.js';
import { lastSuccessFor, type RunEnv } from './changes/last-success.js';
import { deliverEverywhere, endpointSummaries, kindProblems, planEndpoints } from './delivery/everywhere.js';
import { redactorOf } from './delivery/redact.js';
import { secretEnvNames } from './endpoints.js';
import { readFrontMatter } from './frontmatter/read.js';
import { parseSettings, type Names, type RawInputs, type Settings } from './inputs.js';
import { mapChanges, type MappingResult } from './mapping/apply.js';
import { readMappingFile } from './mapping/file.js';
import { targetLimitProblem } from './mapping/limit.js';
import { frontMatterNeeds } from './mapping/needs.js';
import { parseMapping, type ParsedMapping } from './mapping/rules.js';
import { changeLines, checkLine, deliveryLine, targetLines, type RunReport } from './report.js';
import type { Source } from './changes/source.js';
import type { ChangeSet, FrontMatterIndex, Target } from './types.js';
import { prepareVerification, type PreparedVerification } from './verify/stage.js';

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
  /** The event's payload; read inside the run, so an unreadable one is reported like any failure. */
  readPayload: () => Promise<unknown>;
  /** owner/name (GITHUB_REPOSITORY), GITHUB_API_URL and GITHUB_SERVER_URL: for the compare API source. */
  repository?: string | undefined;
  apiUrl?: string | undefined;
  serverUrl?: string | undefined;
  /** Aborted when the run is cancelled: nothing new is sent, and the report is returned soon after. */
  signal?: AbortSignal | undefined;
  /** How this edge names its settings in messages. */
  names: Names;
  /** This workflow run (GITHUB_RUN_ID, GITHUB_RUN_NUMBER, GITHUB_WORKFLOW_REF): for `since: last-success`. */
  run?: RunEnv | undefined;
  /** The environment, where `endpoints` entries find their secrets (`secret-env`). */
  env?: Record<string, string | undefined>;
}

/** Runs every stage; never throws. */
export async function runEngine(inputs: RawInputs, context: RunContext, log: Logger): Promise<RunReport> {
  const report: RunReport = { dryRun: inputs['dry-run'] === 'true', failOnError: true, deliveries: [], warnings: [], names: context.names };
  const env = context.env ?? {};
  const redact = redactorOf([inputs.secret, ...secretEnvNames(inputs.endpoints).map((name) => env[name])]);
  try {
    const settings = parseSettings(inputs, context.names, env);
    report.dryRun = settings.dryRun;
    report.failOnError = settings.failOnError;
    const stages = runStages(settings, context, log, report);
    if (context.signal) await untilCancelled(stages, context.signal);
    else await stages;
  } catch (error) {
    report.fatal = redact(error instanceof Error ? error.message : String(error));
  }
  if (context.signal?.aborted) report.cancelled = String(context.signal.reason);
  return report;
}

/** The stages, in order; each result goes into the report as soon as it is known. */
async function runStages(settings: Settings, context: RunContext, log: Logger, report: RunReport): Promise<void> {
  if (settings.endpoint && !settings.severalForm) report.endpoint = displayEndpoint(settings.endpoint);
  if (!settings.dryRun) report.warnings.push(...settings.endpoints.flatMap((e) => cleartextWarnings(e.url)));

  const mapping = await loadMapping(settings, context);
  report.warnings.push(...mapping.warnings);
  // Targets of a kind no endpoint takes (tags for a Pages Router site alone) stop the run here.
  const kinds = kindProblems(mapping.rules, settings, settings.endpoints);
  if (kinds.length > 0) throw new Error(kinds.join('\n'));

  const { changes, source } = await log.group('Changes', () => readChanges(settings, context, log, report));
  const frontMatter = await readFrontMatterStage(mapping, changes, source, log, report);
  const mapped = await log.group('Mapping', () =>
    Promise.resolve(mapTargets(settings, context, mapping, changes, log, report, frontMatter)),
  );

  const tooMany = targetLimitProblem(mapped, settings.maxTargets, settings.dryRun, context.names);
  if (tooMany && !settings.dryRun) throw new Error(tooMany);
  if (tooMany) report.warnings.push(tooMany);
  if (settings.dryRun) {
    if (settings.verify !== 'off') log.info(`${context.names.input('verify')}: a dry run sends nothing, so nothing is visited`);
    log.info(`dry run: ${mapped.targets.length} target(s) computed, nothing sent`);
    return;
  }
  if (mapped.targets.length === 0) {
    log.info('nothing to revalidate');
    return;
  }
  const plan = planEndpoints(mapped.targets, settings.endpoints);
  if (settings.severalForm) report.endpoints = endpointSummaries(plan.plans);
  if (plan.problem !== undefined) throw new Error(plan.problem);
  for (const { endpoint, receiver, notTaken } of plan.plans) {
    for (const { target, reason } of notTaken)
      log.info(`not sent to ${endpoint.display} (${receiver.name}): ${target.type} ${target.value}: ${reason}`);
  }
  const verification = await startVerification(settings, mapped.targets, context, log);
  await log.group('Delivery', async () => {
    report.deliveries = await deliverEverywhere(
      plan.plans,
      {
        retries: settings.retries,
        timeoutMs: settings.timeoutMs,
        names: context.names,
        onDelivery: (d) => log.info(deliveryLine(d)),
        notice: (line) => log.info(line),
        ...(context.signal ? { signal: context.signal } : {}),
        ...(log.debug ? { debug: (line: string) => log.debug?.(line) } : {}),
      },
      settings.severalForm,
    );
  });
  if (verification && !context.signal?.aborted) {
    await log.group('Verification', async () => {
      report.verification = await verification.verify(report.deliveries, mapped.perFile);
    });
  }
}

/** With `verify` on: the snapshot of every path before delivery, and the visits to make after it. */
async function startVerification(
  settings: Settings,
  targets: Target[],
  context: RunContext,
  log: Logger,
): Promise<PreparedVerification | undefined> {
  const { verify, siteUrl } = settings;
  if (verify === 'off' || settings.dryRun || siteUrl === undefined) return undefined;
  return log.group('Verification: snapshot', () =>
    prepareVerification({ ...settings, verify, siteUrl }, targets, {
      signal: context.signal,
      onCheck: (check) => log.info(checkLine(check)),
      log: (line) => log.info(line),
    }),
  );
}

/** The event's plan, then the change set from the chosen source. */
async function readChanges(
  settings: Settings,
  context: RunContext,
  log: Logger,
  report: RunReport,
): Promise<{ changes: ChangeSet; source?: Source | undefined }> {
  const plan: Plan = resolvePlan({
    eventName: context.eventName,
    payload: await context.readPayload(),
    base: settings.base,
    head: settings.head,
    hasExplicitTargets: settings.paths.length + settings.tags.length > 0,
  });
  report.description = plan.description;
  log.info(plan.description);
  report.warnings.push(...plan.warnings);
  const { changes, warnings, source } = await collectChanges(plan, {
    workspace: context.workspace,
    diffSource: settings.diffSource,
    log: (l) => log.info(l),
    api: { token: settings.githubToken, repository: context.repository, apiUrl: context.apiUrl, serverUrl: context.serverUrl },
    since: sinceFor(settings, context, plan, log),
  });
  report.warnings.push(...warnings);
  report.changes = changes;
  report.description = changes.description;
  for (const line of changeLines(changes)) log.info(line);
  return { changes, source };
}

/** Front matter of exactly the files and sides whose matching rules use `fm.`: none for a mapping without it. */
async function readFrontMatterStage(
  mapping: ParsedMapping,
  changes: ChangeSet,
  source: Source | undefined,
  log: Logger,
  report: RunReport,
): Promise<FrontMatterIndex> {
  const needs = frontMatterNeeds(mapping.rules, changes.files);
  if (needs.base.length + needs.head.length === 0) return new Map();
  return log.group('Front matter', async () => {
    const fm = await readFrontMatter(source, changes, needs);
    log.info(`front matter read from ${fm.read.head} file(s) at the head and ${fm.read.base} at the base`);
    report.warnings.push(...fm.warnings);
    return fm.index;
  });
}

/** `since: last-success` (issue 16): the lookup of the last successful run; `base` overrides it. */
function sinceFor(settings: Settings, context: RunContext, plan: Plan, log: Logger) {
  if (settings.since !== 'last-success') return undefined;
  if (settings.base !== undefined) {
    log.info(`since: last-success is not used: ${context.names.input('base')} and ${context.names.input('head')} name the range`);
    return undefined;
  }
  const api = { token: settings.githubToken, repository: context.repository, apiUrl: context.apiUrl };
  const { lookup, line } = lastSuccessFor(plan, api, context.run ?? {}, context.eventName);
  if (line) log.info(line);
  return lookup;
}

/** Changed files (and the explicit paths and tags) → targets. */
function mapTargets(
  settings: Settings,
  context: RunContext,
  mapping: ParsedMapping,
  changes: ChangeSet,
  log: Logger,
  report: RunReport,
  frontMatter: FrontMatterIndex,
): MappingResult {
  const mapped = mapChanges(
    mapping.rules,
    changes.files,
    {
      paths: [...settings.paths, ...changes.paths],
      tags: [...settings.tags, ...changes.tags],
      names: context.names,
    },
    frontMatter,
  );
  report.mapping = mapped;
  report.warnings.push(...(mapped.warnings ?? []));
  if (mapping.rules.length === 0 && changes.files.length > 0) {
    const { input } = context.names;
    report.warnings.push(
      `no ${input('mapping')} or ${input('mapping-file')} given: changed files map to nothing, only ${input('paths')} and ${input('tags')} are sent`,
    );
  }
  for (const line of targetLines(mapped, context.names)) log.info(line);
  return mapped;
}

async function loadMapping(settings: Settings, context: RunContext): Promise<ParsedMapping> {
  const { names } = context;
  if (settings.mapping !== undefined) return parseMapping(settings.mapping, names.input('mapping'));
  if (settings.mappingFile === undefined) return { rules: [], warnings: [] };
  return parseMapping(await readMappingFile(context.workspace, settings.mappingFile, names), `mapping-file \`${settings.mappingFile}\``);
}

function displayEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}

function cleartextWarnings(endpoint: string): string[] {
  const url = new URL(endpoint);
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return [`endpoint ${url.origin} is plain http://: the secret travels in clear text; use https://`];
  }
  return [];
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
