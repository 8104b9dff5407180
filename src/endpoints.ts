/**
 * The endpoints of a run, as settings: the `endpoints` input (a YAML list, each entry with its own
 * receiver and the environment variable holding its secret) or the one-endpoint form (`endpoint`,
 * `secret`, `receiver` and the preset keys as inputs). Pure: the environment comes in as a value.
 */
import { parse } from 'yaml';
import { z } from 'zod';
import { RECEIVERS, parseRateLimit, type PresetKey } from './delivery/receivers/catalog.js';
import { RECEIVER_NAMES, displayUrl, type RateLimit, type ReceiverName } from './delivery/receivers/types.js';
import { secretProblem } from './delivery/redact.js';
import { clip, printable, withoutCredentials } from './text.js';

export interface EndpointSettings {
  receiver: ReceiverName;
  url: string;
  /** The endpoint as shown: URL without credentials or query. */
  display: string;
  /** The secret or token. */
  secret: string;
  secretHeader: string;
  concurrency: number;
  batchSize: number;
  rate?: RateLimit | undefined;
  zone?: string | undefined;
  siteId?: string | undefined;
  project?: string | undefined;
  team?: string | undefined;
  siteUrl?: string | undefined;
  /** cloudflare: remove (purge, the default) or mark stale (invalidate). */
  mode: 'purge' | 'invalidate';
  /** cloudflare: paths purged as whole URLs (files, the default) or as URL prefixes. */
  pathsAs: 'files' | 'prefixes';
  /** vercel-bypass: GET (the default) or HEAD. */
  method: 'GET' | 'HEAD';
  /** "entry 2 of input `endpoints`" or "input `endpoint`", for messages. */
  where: string;
}

/** What the one-endpoint form and every entry fall back to. */
export interface EndpointDefaults {
  secretHeader: string;
  concurrency: number;
  batchSize?: number | undefined;
  rateLimit?: string | undefined;
}

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const text = z.string().trim().min(1, 'must not be empty');
const count = (max: number) =>
  z
    .union([z.number(), z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number)])
    .pipe(z.number().int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`));

const entrySchema = z.strictObject({
  url: text.optional(),
  receiver: z.enum(RECEIVER_NAMES, { message: `must be one of ${RECEIVER_NAMES.join(', ')}` }).optional(),
  'secret-env': text.regex(ENV_NAME, 'must be the name of an environment variable, such as STAGING_SECRET').optional(),
  'secret-header': text.optional(),
  concurrency: count(64).optional(),
  'batch-size': count(1000).optional(),
  'rate-limit': text.optional(),
  zone: text.optional(),
  'site-id': text.optional(),
  project: text.optional(),
  team: text.optional(),
  'site-url': text.optional(),
  mode: z.enum(['purge', 'invalidate'], { message: 'must be purge or invalidate' }).optional(),
  'paths-as': z.enum(['files', 'prefixes'], { message: 'must be files or prefixes' }).optional(),
  method: z.enum(['GET', 'HEAD'], { message: 'must be GET or HEAD' }).optional(),
});
type Entry = z.infer<typeof entrySchema>;

/** The names of the environment variables `endpoints` reads secrets from, for the edge to mask first; never throws. */
export function secretEnvNames(endpoints: string | undefined): string[] {
  if (!endpoints?.trim()) return [];
  try {
    const data: unknown = parse(endpoints);
    if (!Array.isArray(data)) return [];
    return data.flatMap((e: unknown) => {
      const name = typeof e === 'object' && e !== null ? (e as Record<string, unknown>)['secret-env'] : undefined;
      return typeof name === 'string' && ENV_NAME.test(name.trim()) ? [name.trim()] : [];
    });
  } catch {
    return [];
  }
}

/** One problem with one endpoint: the message already says which. */
export class EndpointProblem extends Error {}

/** The entries of `endpoints`, checked; every problem found, each naming its entry and key. */
export function parseEndpoints(
  source: string,
  defaults: EndpointDefaults,
  fallbackSecret: string | undefined,
  env: Record<string, string | undefined>,
): { endpoints: EndpointSettings[]; problems: string[] } {
  let data: unknown;
  try {
    data = parse(source);
  } catch (e) {
    return { endpoints: [], problems: [`is not valid YAML: ${firstLine(e)}`] };
  }
  if (!Array.isArray(data) || data.length === 0) {
    return {
      endpoints: [],
      problems: ['must be a YAML list of endpoints, each with `url` and `receiver` (see the README, "Several endpoints")'],
    };
  }
  const problems: string[] = [];
  const endpoints: EndpointSettings[] = [];
  data.forEach((raw: unknown, i) => {
    const where = `entry ${i + 1}`;
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = issue.path.length > 0 ? `\`${issue.path.join('.')}\`` : 'the entry';
        const message =
          issue.code === 'unrecognized_keys'
            ? `has unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `\`${printable(clip(k, 40))}\``).join(', ')}`
            : issue.code === 'invalid_type' && issue.path.length === 0
              ? 'must be a mapping of keys such as url, receiver and secret-env'
              : `${key} ${issue.message}`;
        problems.push(`${where}: ${message}`);
      }
      return;
    }
    const entry = parsed.data;
    const envName = entry['secret-env'];
    let secret = fallbackSecret;
    if (envName !== undefined) {
      secret = env[envName];
      if (secret === undefined || secret === '') {
        problems.push(
          `${where}: environment variable ${envName} (its \`secret-env\`) is not set or empty; set it from a repository secret in the step's \`env:\``,
        );
        return;
      }
    }
    const result = endpointOf(entry, defaults, secret, where, envName ? `environment variable ${envName}` : 'the `secret` input');
    if (typeof result === 'string') problems.push(`${where}: ${result}`);
    else endpoints.push(result);
  });
  return { endpoints, problems };
}

/**
 * One endpoint from its keys, or the problem with it. The one-endpoint form passes its inputs
 * as the same keys.
 */
export function endpointOf(
  entry: Entry,
  defaults: EndpointDefaults,
  secret: string | undefined,
  where: string,
  secretName: string,
): EndpointSettings | string {
  const receiver = entry.receiver ?? 'next-app';
  const info = RECEIVERS[receiver];
  const url = entry.url ?? info.defaultUrl;
  if (url === undefined) return `\`url\` is required for receiver ${receiver}`;
  const urlProblem = checkUrl(url);
  if (urlProblem) return `\`url\` ${urlProblem}`;
  if (secret === undefined) return `needs its ${info.credential}: give \`secret-env\`, the name of the environment variable holding it`;
  const header = (entry['secret-header'] ?? defaults.secretHeader).toLowerCase();
  const problem = secretProblem(secret, header);
  if (problem) return `${secretName} ${problem}`;
  for (const key of info.needs) if (entry[key] === undefined) return `\`${key}\` is required for receiver ${receiver}`;
  // `site-url` is every endpoint's to give: verification visits the paths there; cloudflare also
  // joins paths to it for URL purges.
  for (const key of ['zone', 'site-id', 'project', 'team'] as PresetKey[]) {
    if (entry[key] !== undefined && !info.reads.includes(key))
      return `\`${key}\` is not read by receiver ${receiver}; remove it or pick the receiver it belongs to`;
  }
  if (entry['site-url'] !== undefined) {
    const siteProblem = checkUrl(entry['site-url']);
    if (siteProblem) return `\`site-url\` ${siteProblem}`;
  }
  const batchSize = entry['batch-size'] ?? (info.maxBatch === 1 ? 1 : Math.min(info.maxBatch, defaults.batchSize ?? info.defaultBatch));
  if (batchSize > info.maxBatch) {
    return `\`batch-size\` ${batchSize} is more than receiver ${receiver} takes in one request (${info.maxBatch})`;
  }
  const rateText = entry['rate-limit'] ?? defaults.rateLimit;
  const rate = rateText === undefined ? info.rate : parseRateLimit(rateText);
  if (rateText !== undefined && rate === undefined) {
    return `\`rate-limit\` must be requests per unit such as 5/min, 10/s or "10/s burst 50" (got "${printable(clip(rateText, 40))}")`;
  }
  return {
    receiver,
    url,
    display: displayUrl(url),
    secret,
    secretHeader: header,
    concurrency: entry.concurrency ?? defaults.concurrency,
    batchSize,
    rate,
    zone: entry.zone,
    siteId: entry['site-id'],
    project: entry.project,
    team: entry.team,
    siteUrl: entry['site-url'],
    mode: entry.mode ?? 'purge',
    pathsAs: entry['paths-as'] ?? 'files',
    method: entry.method ?? 'GET',
    where,
  };
}

function checkUrl(url: string): string | undefined {
  if (!URL.canParse(url)) return `must be an absolute URL (got "${printable(clip(withoutCredentials(url), 80))}")`;
  const u = new URL(url);
  if (!['http:', 'https:'].includes(u.protocol)) return 'must be an http:// or https:// URL';
  if (u.username !== '' || u.password !== '') return 'must not carry a user name or password; give the secret through `secret-env`';
  return undefined;
}

function firstLine(e: unknown): string {
  return printable(clip((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '', 200));
}
