/**
 * `isr-revalidate`: the action's engine outside GitHub Actions, for previewing a mapping locally
 * (`--dry-run`) and for other CI systems. Options mirror the action's inputs one to one and go
 * through the same validation, so messages and exit codes are the action's, with `--name` where
 * the action says "input `name`". The secret comes from an environment variable, never a flag:
 * a flag would end up in shell history and in every process listing.
 *
 * This module never imports @actions/core (nor anything that does), so dist/cli.js runs alone.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { redactorOf } from '../delivery/redact.js';
import { secretEnvNames } from '../endpoints.js';
import { runEngine, type Logger } from '../engine.js';
import type { InputName, Names, RawInputs } from '../inputs.js';
import { buildOutputs, conclude, failedEntries, renderSummary, verificationAnnotations, type RunReport } from '../report.js';
import { annotation, printable } from '../text.js';

export const DEFAULT_SECRET_ENV = 'REVALIDATION_SECRET';

/** Options that carry an action input of the same name. */
const INPUT_OPTIONS = [
  'endpoint',
  'secret-header',
  'mapping',
  'mapping-file',
  'paths',
  'tags',
  'base',
  'head',
  'diff-source',
  'concurrency',
  'retries',
  'timeout',
  'max-targets',
  'site-url',
  // Receivers (issue 14)
  'receiver',
  'batch-size',
  'endpoints',
  'zone',
  'site-id',
  'project',
  'team',
  'rate-limit',
] as const satisfies readonly InputName[];

export const OPTIONS = {
  endpoint: { type: 'string' },
  'secret-header': { type: 'string' },
  mapping: { type: 'string' },
  'mapping-file': { type: 'string' },
  paths: { type: 'string', multiple: true },
  tags: { type: 'string', multiple: true },
  base: { type: 'string' },
  head: { type: 'string' },
  'diff-source': { type: 'string' },
  concurrency: { type: 'string' },
  retries: { type: 'string' },
  timeout: { type: 'string' },
  'max-targets': { type: 'string' },
  verify: { type: 'boolean' },
  'verify-warn': { type: 'boolean' },
  'site-url': { type: 'string' },
  'verify-headers-env': { type: 'string' },
  receiver: { type: 'string' },
  'batch-size': { type: 'string' },
  endpoints: { type: 'string' },
  zone: { type: 'string' },
  'site-id': { type: 'string' },
  project: { type: 'string' },
  team: { type: 'string' },
  'rate-limit': { type: 'string' },
  'secret-env': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'no-fail-on-error': { type: 'boolean' },
  cwd: { type: 'string' },
  'summary-file': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'since-ref': { type: 'string' },
  version: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export const HELP = `isr-revalidate: revalidate the site paths and cache tags that changed content files feed.
The engine of the isr-revalidate GitHub Action, for local previews and other CI systems.

Usage:
  isr-revalidate --base <commit> [--head <commit>] --mapping-file <file> --endpoint <url>
  isr-revalidate --dry-run --base <commit> --mapping-file <file>
  isr-revalidate --endpoint <url> --tags posts --paths /,/about

What to revalidate:
  --base <commit>          diff from this commit (a SHA or any ref git knows: main~1, v1.2.0)
  --head <commit>          diff to this commit (default: HEAD when --base is given)
  --mapping-file <file>    rules file (YAML or JSON, at most 1 MiB) inside --cwd, relative to it
  --mapping=<yaml>         rules given inline instead of --mapping-file (with "=": YAML lists start with "-")
  --paths <list>           extra site paths, comma-separated; repeatable; always added
  --tags <list>            extra cache tags, comma-separated; repeatable; always added
  --cwd <dir>              the content repository's checkout (default: the current directory)
  --since-ref <ref>        diff from this ref to --head: a tag or branch you move to the head after
                           each successful run, so a failed run's changes are covered by the next
                           (the action's since: last-success); --base wins when both are given

Where to send it:
  --endpoint <url>         the site's revalidation route; required unless --dry-run
  --secret-env <NAME>      environment variable holding the secret (default: ${DEFAULT_SECRET_ENV});
                           there is no --secret flag, on purpose
  --secret-header <name>   header that carries the secret (default: x-revalidation-secret)
  --concurrency <n>        requests in flight at once, 1-64 (default: 4)
  --retries <n>            further tries after a network error, timeout, 408, 425, 429 or 5xx, 0-10 (default: 3)
  --timeout <seconds>      time one request may take (default: 10)
  --max-targets <n>        above this many distinct targets send nothing and fail; a dry run
                           warns instead (default: 5000)
  --diff-source <source>   auto or git (default: auto)
  --receiver <name>        the contract the endpoint speaks: next-app, batch, next-pages, vercel-bypass,
                           vercel-tags, cloudflare or netlify (default: next-app)
  --batch-size <n>         targets per request for batch, 1-1000 (default: 100)
  --endpoints=<yaml>       several endpoints, each with url, receiver and secret-env (README: "Several
                           endpoints"); instead of --endpoint
  --zone <id>              cloudflare: the zone id
  --site-id <id>           netlify: the site id
  --project <id>           vercel-tags: the project id or name
  --team <id>              vercel-tags: the team id
  --rate-limit <rate>      requests per unit such as 5/min or "10/s burst 50" (default: the provider's)

Checking what the site now serves:
  --verify                 after delivery, GET every revalidated path and check its status and
                           freshness; a failure fails the run (it also warms the pages)
  --verify-warn            the same, but failures only warn
  --site-url <url>         the site's origin: where the paths are visited (default: the endpoint's
                           origin), and what cloudflare URL purges join paths to
  --verify-headers-env <NAME>  environment variable holding extra headers for the visits, one
                           "Name: value" per line (kept out of argv, like the secret)

How to run and report:
  --dry-run                compute and report everything; send nothing (no endpoint or secret needed)
  --no-fail-on-error       exit 0 even when some target is not revalidated (a warning is printed)
  --summary-file <file>    also write the job summary (Markdown) to this file
  --json                   print the outputs as one JSON object on stdout; the log goes to stderr
  -h, --help               this help
  --version                the version

Exit status: 0 when every target was revalidated (or on a dry run); 1 when the options, the
mapping or the repository are unusable, or (unless --no-fail-on-error) any target was not
revalidated. The same as the action's step.

Examples:
  # Preview what the last commit would revalidate, sending nothing:
  isr-revalidate --dry-run --base HEAD~1 --mapping-file revalidate.yml
  # From another CI system, after a deploy of commit $NEW over $OLD:
  REVALIDATION_SECRET=... isr-revalidate --base "$OLD" --head "$NEW" \\
    --mapping-file revalidate.yml --endpoint https://example.com/api/revalidate
  # Everything since the last successful run, then mark this one (a tag you keep):
  isr-revalidate --since-ref revalidated --mapping-file revalidate.yml --endpoint https://example.com/api/revalidate \\
    && git tag -f revalidated HEAD && git push -f origin refs/tags/revalidated
`;

export interface CliIo {
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  version: string;
}

/** Runs the command; resolves to the exit code. Never throws. */
type Parsed = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
type Values = Parsed['values'];

export async function main(io: CliIo): Promise<number> {
  const values = parseCommand(io);
  if (typeof values === 'number') return values;

  // With --json the outputs own stdout; the log moves to stderr so the JSON stays parseable.
  const log = values.json ? io.stderr : io.stdout;
  const secretEnv = values['secret-env'] ?? DEFAULT_SECRET_ENV;
  const secret = io.env[secretEnv];
  const names = cliNames(secretEnv);
  const workspace = resolve(io.cwd, values.cwd ?? '.');
  const context = { workspace, eventName: 'command line', readPayload: () => Promise.resolve({}), names, env: io.env };
  const verifyHeaders = values['verify-headers-env'] === undefined ? undefined : (io.env[values['verify-headers-env']] ?? '');
  const raw = rawInputs(values, secret, verifyHeaders);
  const report = await runEngine(raw, context, consoleLogger(log));

  const secrets = [secret, ...secretEnvNames(raw.endpoints).map((name) => io.env[name]), ...headerValues(verifyHeaders)];
  await writeResults(io, values, report, redactorOf(secrets));
  const verdict = conclude(report, report.failOnError, names);
  if (verdict.info) log(`${verdict.info}\n`);
  if (verdict.warning) io.stderr(`warning: ${verdict.warning}\n`);
  if (verdict.error) io.stderr(`error: ${annotation(verdict.error)}\n`);
  return verdict.exitCode;
}

/** The options given, or the exit code when there is nothing to run (help, version, a bad argument). */
function parseCommand(io: CliIo): Values | number {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: io.argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    io.stderr(`error: ${describeArgError(e, io.argv)}\nRun \`isr-revalidate --help\` for the options.\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout(`${io.version}\n`);
    return 0;
  }
  if (positionals.length > 0) {
    io.stderr(
      `error: unexpected argument ${JSON.stringify(positionals[0])}: every option is named (--base, --mapping-file, ...)\nRun \`isr-revalidate --help\` for the options.\n`,
    );
    return 1;
  }
  return values;
}

/** The options as the action's inputs, so the engine reads them as it reads the action's. */
/** The values of `Name: value` lines: each is a secret (a bypass token). */
function headerValues(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .filter((line) => line.includes(':'))
    .map((line) => line.slice(line.indexOf(':') + 1).trim());
}

function rawInputs(values: Values, secret: string | undefined, verifyHeaders?: string): RawInputs {
  const raw: RawInputs = {};
  for (const name of INPUT_OPTIONS) {
    const value = values[name];
    if (value !== undefined) raw[name] = Array.isArray(value) ? value.join('\n') : value;
  }
  // --since-ref is a base the user keeps (issue 16); an explicit --base overrides it.
  if (values['since-ref'] !== undefined && raw.base === undefined) raw.base = values['since-ref'];
  if (raw.base !== undefined && raw.head === undefined) raw.head = 'HEAD';
  if (secret !== undefined && secret !== '') raw.secret = secret;
  raw['dry-run'] = values['dry-run'] ? 'true' : 'false';
  raw['fail-on-error'] = values['no-fail-on-error'] ? 'false' : 'true';
  if (verifyHeaders !== undefined) raw['verify-headers'] = verifyHeaders;
  raw.verify = values['verify-warn'] ? 'warn' : values.verify ? 'true' : 'false';
  return raw;
}

/** Warnings and failures on stderr, then the summary file and the JSON when asked for. */
async function writeResults(io: CliIo, values: Values, report: RunReport, redact: (text: string) => string): Promise<void> {
  // Outside text (file names, replies) reaches a terminal too: escape sequences are shown, not run.
  for (const w of report.warnings) io.stderr(`warning: ${annotation(redact(w))}\n`);
  for (const f of failedEntries(report)) io.stderr(`error: ${printable(`${f.type} ${f.value}: ${f.error}`)}\n`);
  const verification = verificationAnnotations(report, Infinity);
  for (const line of verification.lines) io.stderr(`${verification.level}: ${printable(line)}\n`);
  if (values['summary-file']) {
    try {
      await writeFile(resolve(io.cwd, values['summary-file']), renderSummary(report));
    } catch (e) {
      io.stderr(`warning: could not write the summary to ${values['summary-file']}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  if (values.json) {
    // No output limit here: the command's JSON goes to stdout, not to GitHub.
    const outputs = buildOutputs(report, Infinity).values;
    io.stdout(`${JSON.stringify({ ...outputs, ...(report.fatal ? { error: report.fatal } : {}) })}\n`);
  }
}

function consoleLogger(write: (text: string) => void): Logger {
  return {
    info: (line) => write(`${printable(line)}\n`),
    group: async (name, body) => {
      write(`── ${name} ${'─'.repeat(Math.max(3, 60 - name.length))}\n`);
      return body();
    },
  };
}

/** The command line names its settings by their options; the secret by its environment variable. */
export function cliNames(secretEnv: string): Names {
  return {
    input: (name) => (name === 'secret' ? 'the secret' : name === 'fail-on-error' ? '--no-fail-on-error' : `--${name}`),
    short: (name) => `--${name}`,
    enable: (name) => (name === 'fail-on-error' ? 'use --no-fail-on-error' : `use --${name}`),
    secretSource: `: set the ${secretEnv} environment variable`,
    failOnErrorOff: '--no-fail-on-error',
  };
}

function describeArgError(error: unknown, argv: string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  if (argv.some((a) => a === '--secret' || a.startsWith('--secret='))) {
    return `there is no --secret option: a secret on the command line ends up in shell history and process listings. Put it in the ${DEFAULT_SECRET_ENV} environment variable (or the one --secret-env names)`;
  }
  return message;
}
