/**
 * Action inputs: read once, validated into one typed Settings object that the rest of the code
 * receives. `parseSettings` is pure (raw strings in, Settings or one error listing every problem
 * out). The runner's INPUT_* variables are read in `action/inputs.ts`, so this module stays
 * free of @actions/core and the command line shares it.
 *
 * Messages name settings through a `Names` the edge gives: the action says "input `retries`",
 * the command line "--retries". A problem carries the input it is about as a field, and any
 * other setting a message mentions is a `{input:name}` or `{enable:name}` slot the names fill.
 */
import { z } from 'zod';
import { RECEIVERS } from './delivery/receivers/catalog.js';
import { DEFAULT_BATCH_SIZE, RECEIVER_NAMES, type ReceiverName } from './delivery/receivers/types.js';
import { endpointOf, parseEndpoints, type EndpointSettings } from './endpoints.js';
import { secretProblem } from './delivery/redact.js';
import { clip, printable, withoutCredentials } from './text.js';

export const INPUT_NAMES = [
  'endpoint',
  'secret',
  'secret-header',
  'mapping',
  'mapping-file',
  'paths',
  'tags',
  'base',
  'head',
  'diff-source',
  'github-token',
  'concurrency',
  'retries',
  'timeout',
  'max-targets',
  'dry-run',
  'fail-on-error',
  'since',
  // Verification (issue 15); site-url is also where cloudflare URL purges join paths to.
  'verify',
  'site-url',
  'verify-headers',
  // Receivers (issue 14): which contract the endpoint speaks, and how many targets a request carries.
  'receiver',
  'batch-size',
  'endpoints',
  'zone',
  'site-id',
  'project',
  'team',
  'rate-limit',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];

/** A guard against a mapping that fans out (12 locales × every page of a bulk edit), not a capacity. */
export const DEFAULT_MAX_TARGETS = 5000;
export type RawInputs = Partial<Record<InputName, string>>;

/** How one edge (the action, the command line) names its settings in messages. */
export interface Names {
  /** The setting itself: "input `retries`", "--retries". */
  input(name: InputName): string;
  /** The bare name, in a list of several: "`retries`", "--retries". */
  short(name: InputName): string;
  /** How to turn an on/off setting to its other value: "set `dry-run: true`", "use --dry-run". */
  enable(name: InputName): string;
  /** Where the secret comes from, for the message saying it is missing (with its leading separator). */
  secretSource: string;
  /** Why failed targets did not fail the run: "fail-on-error is false", "--no-fail-on-error". */
  failOnErrorOff: string;
}

export const ACTION_NAMES: Names = {
  input: (name) => `input \`${name}\``,
  short: (name) => `\`${name}\``,
  enable: (name) => `set \`${name}: ${name === 'fail-on-error' ? 'false' : 'true'}\``,
  secretSource: '; pass it as ${{ secrets.REVALIDATION_SECRET }}',
  failOnErrorOff: 'fail-on-error is false',
};

/** Fills a message's `{input:name}`, `{short:name}` and `{enable:name}` slots. */
export function fillNames(message: string, names: Names): string {
  return message.replace(/\{(input|short|enable):([a-z-]+)\}/g, (_m, kind: 'input' | 'short' | 'enable', name: string) =>
    names[kind](name as InputName),
  );
}

/** An error about one setting: `input` says which, `message` what is wrong with it. */
export class SettingError extends Error {
  constructor(
    readonly input: InputName,
    readonly problem: string,
    names: Names = ACTION_NAMES,
  ) {
    super(`${names.input(input)} ${fillNames(problem, names)}`);
    this.name = 'SettingError';
  }
}

interface CommonSettings {
  secretHeader: string;
  mapping?: string | undefined;
  mappingFile?: string | undefined;
  paths: string[];
  tags: string[];
  base?: string | undefined;
  head?: string | undefined;
  diffSource: 'auto' | 'git' | 'api';
  githubToken?: string | undefined;
  concurrency: number;
  retries: number;
  timeoutMs: number;
  /** More distinct targets than this and a real run sends nothing and fails (a dry run warns). */
  maxTargets: number;
  failOnError: boolean;
  /** Where a push's range starts: the event's `before`, or where the last successful run left off. */
  since: 'event' | 'last-success';
  /** After delivery, visit every revalidated path: off, fail (failures fail the run) or warn. */
  verify: VerifyMode;
  /** Where the paths are visited: `site-url`, else the endpoint's origin; no trailing slash. */
  siteUrl?: string | undefined;
  /** Headers the visits carry, as the user wrote them (their values are secrets). */
  verifyHeaders: VerifyHeader[];
  /** The contract the endpoint speaks (delivery/receivers/). */
  receiver: ReceiverName;
  /** Targets per request at most, for receivers that take several. */
  batchSize: number;
  /** Every endpoint of the run, each with its receiver and secret (none on a dry run without one). */
  endpoints: EndpointSettings[];
  /** True when they came from the `endpoints` input: the report then names each endpoint. */
  severalForm: boolean;
}

export type VerifyMode = 'off' | 'fail' | 'warn';
export interface VerifyHeader {
  name: string;
  value: string;
}

/** What a dry run may lack: a real run always has its endpoint and secret. */
export type Settings = CommonSettings &
  ({ dryRun: false; endpoint: string; secret: string } | { dryRun: true; endpoint?: string | undefined; secret?: string | undefined });

/** One bad input: which, and what is wrong with it (with the value as given, where shown). */
export interface InputProblem {
  input: InputName;
  message: string;
}

export class InputError extends Error {
  readonly problems: string[];
  constructor(
    readonly issues: InputProblem[],
    names: Names = ACTION_NAMES,
  ) {
    const problems = [...new Set(issues.map((i) => `${names.input(i.input)} ${fillNames(i.message, names)}`))];
    super(problems.length === 1 ? problems[0] : `${problems.length} problems with the inputs:\n- ${problems.join('\n- ')}`);
    this.problems = problems;
    this.name = 'InputError';
  }
}

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

// YAML 1.2 core-schema booleans, as @actions/core's getBooleanInput accepts.
const boolean = (fallback: boolean) =>
  optionalText.pipe(
    z
      .enum(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'], { message: 'must be true or false' })
      .optional()
      .transform((v) => (v === undefined ? fallback : v.toLowerCase() === 'true')),
  );

const wholeNumber = (fallback: number, min: number, max: number) =>
  optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
      .optional()
      .transform((v) => (v === undefined ? fallback : Number(v)))
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)),
  );

/** Newline- or comma-separated list; blank entries dropped. */
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );

const commit = optionalText.pipe(
  z
    .string()
    .regex(/^[^-\s][^\s]*$/, 'must be a commit SHA or ref name (no spaces, not starting with "-")')
    .optional(),
);

/**
 * Headers that frame, route or negotiate the exchange itself. Carrying the secret in one of them
 * clobbers the request: `content-length` drops the secret (node:http sets its own), and
 * `transfer-encoding` or `trailer` turn every request into a 400 or a hang.
 */
const PROTOCOL_HEADERS = [
  'content-type',
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
];

function isProtocolHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return PROTOCOL_HEADERS.includes(lower) || lower.startsWith('proxy-');
}

const schema = z
  .object({
    endpoint: optionalText.pipe(
      z
        .string()
        .refine((v) => URL.canParse(v), 'must be an absolute URL such as https://example.com/api/revalidate')
        .refine((v) => !URL.canParse(v) || ['http:', 'https:'].includes(new URL(v).protocol), 'must be an http:// or https:// URL')
        .refine(
          (v) => !URL.canParse(v) || (new URL(v).username === '' && new URL(v).password === ''),
          'must not carry a user name or password; use {short:secret}',
        )
        .optional(),
    ),
    secret: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v === '' ? undefined : v)),
    'secret-header': optionalText.pipe(
      z
        .string()
        .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name such as x-revalidation-secret')
        .refine(
          (v) => !isProtocolHeader(v),
          `must not be a header HTTP itself uses (${PROTOCOL_HEADERS.join(', ')}, proxy-*); pick your own name such as x-revalidation-secret`,
        )
        .optional()
        .transform((v) => (v ?? 'x-revalidation-secret').toLowerCase()),
    ),
    mapping: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? undefined : v)),
    'mapping-file': optionalText,
    paths: list.pipe(z.array(z.string().startsWith('/', 'every entry must be a site path starting with "/"'))),
    tags: list,
    base: commit,
    head: commit,
    'diff-source': optionalText.pipe(
      z
        .enum(['auto', 'git', 'api'], { message: 'must be auto, git or api' })
        .optional()
        .transform((v) => v ?? 'auto'),
    ),
    'github-token': optionalText,
    concurrency: wholeNumber(4, 1, 64),
    retries: wholeNumber(3, 0, 10),
    timeout: optionalText.pipe(
      z
        .string()
        .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds such as 10')
        .optional()
        .transform((v) => (v === undefined ? 10 : Number(v)))
        .pipe(z.number().gt(0, 'must be more than 0 seconds').max(600, 'must be at most 600 seconds')),
    ),
    'max-targets': wholeNumber(DEFAULT_MAX_TARGETS, 1, 1_000_000),
    'dry-run': boolean(false),
    'fail-on-error': boolean(true),
    since: optionalText.pipe(
      z
        .enum(['event', 'last-success'], { message: 'must be event or last-success' })
        .optional()
        .transform((v) => v ?? 'event'),
    ),
    verify: optionalText.pipe(
      z
        .enum(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'warn'], { message: 'must be true, false or warn' })
        .optional()
        .transform((v): VerifyMode => (v === undefined || v.toLowerCase() === 'false' ? 'off' : v === 'warn' ? 'warn' : 'fail')),
    ),
    'site-url': optionalText.pipe(
      z
        .string()
        .refine((v) => URL.canParse(v), 'must be an absolute URL such as https://www.example.com')
        .refine((v) => !URL.canParse(v) || ['http:', 'https:'].includes(new URL(v).protocol), 'must be an http:// or https:// URL')
        .refine(
          (v) => !URL.canParse(v) || (new URL(v).username === '' && new URL(v).password === ''),
          'must not carry a user name or password',
        )
        .refine((v) => !URL.canParse(v) || (new URL(v).search === '' && new URL(v).hash === ''), 'must not have a query or fragment')
        .optional(),
    ),
    'verify-headers': z
      .string()
      .optional()
      .transform((v, ctx) => parseVerifyHeaders(v ?? '', (message) => ctx.addIssue({ code: 'custom', message }))),
    receiver: optionalText.pipe(
      z
        .enum(RECEIVER_NAMES, { message: `must be one of ${RECEIVER_NAMES.join(', ')}` })
        .optional()
        .transform((v) => v ?? 'next-app'),
    ),
    'batch-size': wholeNumber(DEFAULT_BATCH_SIZE, 1, 1000),
    endpoints: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? undefined : v)),
    zone: optionalText,
    'site-id': optionalText,
    project: optionalText,
    team: optionalText,
    'rate-limit': optionalText,
  })
  .superRefine((s, ctx) => {
    if (s.mapping !== undefined && s['mapping-file'] !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['mapping-file'], message: 'cannot be used together with {short:mapping}; pick one' });
    }
    if (s.endpoints !== undefined && s.endpoint !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['endpoints'],
        message: 'cannot be used together with {short:endpoint}; list that endpoint in it too',
      });
    }
    const hasUrl = s.endpoint !== undefined || RECEIVERS[s.receiver].defaultUrl !== undefined;
    if (!s['dry-run'] && s.endpoints === undefined) {
      if (!hasUrl) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'is required (or {enable:dry-run})' });
      if (s.secret === undefined)
        ctx.addIssue({ code: 'custom', path: ['secret'], message: 'is required (or {enable:dry-run}){secret-source}' });
    }
    // Checked here, with the other inputs, not after all the git and API work.
    const secretIssue = s.secret === undefined ? undefined : secretProblem(s.secret, s['secret-header']);
    if (secretIssue) ctx.addIssue({ code: 'custom', path: ['secret'], message: secretIssue });
    for (const h of s['verify-headers']) {
      if (h.name.toLowerCase() === s['secret-header'])
        ctx.addIssue({
          code: 'custom',
          path: ['verify-headers'],
          message: `must not carry {short:secret-header} (\`${h.name}\`): the secret goes to the endpoint only, never to the pages visited`,
        });
    }
    if ((s.base === undefined) !== (s.head === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [s.base === undefined ? 'base' : 'head'],
        message: 'is needed too: set both {short:base} and {short:head}, or neither',
      });
    }
  });

export function parseSettings(raw: RawInputs, names: Names = ACTION_NAMES, env: Record<string, string | undefined> = {}): Settings {
  const result = schema.safeParse(raw);
  if (!result.success) {
    // In the order of action.yml, whatever order zod found them in.
    const order = (name: string) => INPUT_NAMES.indexOf(name as InputName);
    const issues = [...result.error.issues].sort((a, b) => order(String(a.path[0])) - order(String(b.path[0])));
    throw new InputError(
      issues.map((issue) => {
        const input = String(issue.path[0]) as InputName;
        const shown = input === 'secret' || input === 'github-token' || input === 'verify-headers' ? '' : quoteValue(raw[input]);
        return { input, message: `${issue.message.replace('{secret-source}', names.secretSource)}${shown}` };
      }),
      names,
    );
  }
  const s = result.data;
  const endpoints = runEndpoints(s, raw, names, env);
  const common: CommonSettings = {
    secretHeader: s['secret-header'],
    mapping: s.mapping,
    mappingFile: s['mapping-file'],
    paths: s.paths,
    tags: s.tags,
    base: s.base,
    head: s.head,
    diffSource: s['diff-source'],
    githubToken: s['github-token'],
    concurrency: s.concurrency,
    retries: s.retries,
    timeoutMs: Math.round(s.timeout * 1000),
    maxTargets: s['max-targets'],
    failOnError: s['fail-on-error'],
    since: s.since,
    verify: s.verify,
    verifyHeaders: s['verify-headers'],
    receiver: s.receiver,
    batchSize: s['batch-size'],
    ...endpoints,
    siteUrl: siteUrlOf(s['site-url'] ?? siteOf(endpoints.endpoints)),
  };
  if (common.verify !== 'off' && !s['dry-run'] && common.siteUrl === undefined)
    throw new InputError(
      [
        {
          input: 'site-url',
          message: 'is needed with {short:verify}: no endpoint of the run is the site itself, so there is nowhere to visit the paths',
        },
      ],
      names,
    );
  const first = common.endpoints[0];
  if (s['dry-run']) return { ...common, dryRun: true, endpoint: s.endpoint ?? first?.url, secret: s.secret ?? first?.secret };
  // The schema refused a real run without them; with `endpoints`, the first one stands for them.
  return { ...common, dryRun: false, endpoint: s.endpoint ?? (first?.url as string), secret: s.secret ?? (first?.secret as string) };
}

type Parsed = z.infer<typeof schema>;

/**
 * The run's endpoints (endpoints.ts): the `endpoints` list, or the one-endpoint form's inputs as
 * one. A dry run checks them but needs no secret.
 */
function runEndpoints(
  s: Parsed,
  raw: RawInputs,
  names: Names,
  env: Record<string, string | undefined>,
): { endpoints: EndpointSettings[]; severalForm: boolean } {
  const defaults = {
    secretHeader: s['secret-header'],
    concurrency: s.concurrency,
    batchSize: raw['batch-size']?.trim() ? s['batch-size'] : undefined,
    rateLimit: s['rate-limit'],
  };
  const dryRunSecret = s['dry-run'] ? 'dry-run' : undefined;
  if (s.endpoints !== undefined) {
    // On a dry run a secret that is not set is no problem: nothing is sent.
    const dryEnv = s['dry-run'] ? new Proxy(env, { get: (target, name: string) => target[name] || 'dry-run' }) : env;
    const { endpoints, problems } = parseEndpoints(s.endpoints, defaults, s.secret ?? dryRunSecret, dryEnv);
    if (problems.length > 0)
      throw new InputError(
        problems.map((message) => ({ input: 'endpoints', message })),
        names,
      );
    return { endpoints, severalForm: true };
  }
  if (s.endpoint === undefined && RECEIVERS[s.receiver].defaultUrl === undefined) return { endpoints: [], severalForm: false };
  const secret = s.secret ?? dryRunSecret;
  const result = endpointOf(
    {
      receiver: s.receiver,
      ...(s.endpoint !== undefined ? { url: s.endpoint } : {}),
      ...(s.zone !== undefined ? { zone: s.zone } : {}),
      ...(s['site-id'] !== undefined ? { 'site-id': s['site-id'] } : {}),
      ...(s.project !== undefined ? { project: s.project } : {}),
      ...(s.team !== undefined ? { team: s.team } : {}),
      ...(s['site-url'] !== undefined ? { 'site-url': s['site-url'] } : {}),
    },
    defaults,
    secret,
    names.input('endpoint'),
    names.input('secret'),
  );
  if (typeof result === 'string') {
    // Name the input the problem is about: the preset key it names, or else `receiver`.
    const key = /^`(zone|site-id|project|team|site-url|batch-size|rate-limit|url)`/.exec(result)?.[1];
    const input: InputName = key === undefined ? 'receiver' : key === 'url' ? 'endpoint' : (key as InputName);
    const message = key === undefined ? `${s.receiver}: ${result}` : result.replace(/^`[a-z-]+` /, '');
    throw new InputError([{ input, message }], names);
  }
  return { endpoints: [result], severalForm: false };
}

/** The value as given, for the message: escaped, cut when long, and any URL without its credentials. */
function quoteValue(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return '';
  return ` (got "${printable(clip(withoutCredentials(value.trim()), 80))}")`;
}

/**
 * Where verification visits the paths when `site-url` is not given: the first endpoint's own
 * `site-url`, else the origin of the first endpoint that is the site itself (not a CDN's API).
 */
function siteOf(endpoints: EndpointSettings[]): string | undefined {
  const withSite = endpoints.find((e) => e.siteUrl !== undefined)?.siteUrl;
  if (withSite !== undefined) return withSite;
  const site = endpoints.find((e) => RECEIVERS[e.receiver].defaultUrl === undefined);
  return site === undefined ? undefined : new URL(site.url).origin;
}

/** The site's base URL without a trailing slash: `https://x.example/` → `https://x.example`. */
function siteUrlOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = new URL(value);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * `verify-headers`: one `Name: value` per line, blank lines skipped. A value is a secret (a
 * deployment-protection bypass token): no message ever quotes it; lines are named by number.
 */
export function parseVerifyHeaders(text: string, problem: (message: string) => void): VerifyHeader[] {
  const headers: VerifyHeader[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim();
    const value = colon < 0 ? '' : line.slice(colon + 1).trim();
    const where = `line ${i + 1}`;
    if (colon < 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      problem(`${where} must be \`Name: value\` with an HTTP header name before the colon`);
    } else if (isProtocolHeader(name)) {
      problem(`${where}: \`${name}\` is a header HTTP itself uses (${PROTOCOL_HEADERS.join(', ')}, proxy-*); it cannot be set`);
    } else if (value === '') {
      problem(`${where} (\`${name}\`) has no value`);
    } else if (secretProblem(value, name) !== undefined) {
      problem(`${where} (\`${name}\`): its value ${secretProblem(value, name) ?? ''}`);
    } else {
      headers.push({ name, value });
    }
  }
  return headers;
}
