/**
 * Receivers for CDN APIs that purge by cache tag (and, for Cloudflare, by URL or prefix), each in
 * its provider's documented request and reply shapes, with a bearer token sent only to `url`
 * (the provider's API base unless set: a proxy, a test server). Replies are judged by the HTTP
 * contract (policy.ts) and then by what the provider's own body says.
 */
import { judge, serverMessage, type JudgeContext, type Outcome, type Verdict } from '../policy.js';
import { headerValue } from '../redact.js';
import type { Target } from '../../types.js';
import { displayUrl, inGroupsOf, type RateLimit, type Receiver } from './types.js';

interface ApiEndpoint {
  url: string;
  secret: string;
  batchSize: number;
  rate?: RateLimit | undefined;
}

const apiHeaders = (token: string) => ({
  'content-type': 'application/json',
  'user-agent': 'isr-revalidate',
  authorization: `Bearer ${headerValue(token)}`,
});
const base = (url: string) => url.replace(/\/+$/, '');
const tooLong = (target: { type: string; value: string }, limit: number, who: string) =>
  target.type === 'tag' && target.value.length > limit
    ? `takes tags of at most ${limit} characters (${who}); this one has ${target.value.length}`
    : undefined;

/** The provider's words, short, on one line and free of the token. */
function said(text: string, context: JudgeContext): string {
  return serverMessage(JSON.stringify({ error: text }), 'application/json', context.redact);
}

function json(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The verdict with the provider's message added, for a reply the HTTP contract alone judged. */
function withMessage(verdict: Verdict, message: string): Verdict {
  return verdict.action === 'success' || message === '' ? verdict : { ...verdict, reason: `${verdict.reason}; the API says: ${message}` };
}

/**
 * Vercel REST API, "Invalidate by tag": `POST /v1/edge-cache/invalidate-by-tags?projectIdOrName=&teamId=`
 * with `{"tags": [...]}` (each tag at most 256 characters); errors as `{"error": {"code", "message"}}`.
 */
export function vercelTags(endpoint: ApiEndpoint & { project: string; team?: string | undefined }): Receiver {
  const query = `projectIdOrName=${encodeURIComponent(endpoint.project)}${endpoint.team ? `&teamId=${encodeURIComponent(endpoint.team)}` : ''}`;
  const url = `${base(endpoint.url)}/v1/edge-cache/invalidate-by-tags?${query}`;
  return {
    name: 'vercel-tags',
    display: displayUrl(endpoint.url),
    credential: endpoint.secret,
    credentialWhere: 'the `authorization` header (bearer token)',
    credentialHint: 'the Vercel access token (its scope must include the team) and `project`/`team`',
    takes: ['tag'],
    refuses: (t) => (t.type === 'path' ? "takes tags only: Vercel's invalidate-by-tags API has no paths" : tooLong(t, 256, 'Vercel')),
    chunk: (targets) => inGroupsOf(targets, endpoint.batchSize),
    request: (targets) => ({
      method: 'POST',
      url,
      headers: apiHeaders(endpoint.secret),
      body: JSON.stringify({ tags: targets.map((t) => t.value) }),
    }),
    judge: (outcome, targets, context) => targets.map(() => judge(outcome, context)),
    rate: endpoint.rate,
  };
}

/**
 * Cloudflare, "Purge cached content" (`POST /zones/{zone}/purge_cache`) or its stale-marking twin
 * `invalidate_cache`: `{"tags": [...]}`, `{"files": [full URLs]}` or `{"prefixes": ["host/path"]}`,
 * at most 100 items a request on every plan; reply `{"success": true|false, "errors": [{"code", "message"}], …}`.
 * Tags and paths go in separate requests (one kind per body).
 */
export function cloudflare(
  endpoint: ApiEndpoint & { zone: string; siteUrl?: string | undefined; mode: 'purge' | 'invalidate'; pathsAs: 'files' | 'prefixes' },
): Receiver {
  const url = `${base(endpoint.url)}/zones/${encodeURIComponent(endpoint.zone)}/${endpoint.mode === 'invalidate' ? 'invalidate_cache' : 'purge_cache'}`;
  const site = endpoint.siteUrl ? new URL(endpoint.siteUrl) : undefined;
  const sitePrefix = site ? `${site.origin}${site.pathname.replace(/\/+$/, '')}` : '';
  const hostPrefix = site ? `${site.host}${site.pathname.replace(/\/+$/, '')}` : '';
  const item = (t: Target) =>
    t.type === 'tag' ? t.value : endpoint.pathsAs === 'prefixes' ? `${hostPrefix}${t.value}` : `${sitePrefix}${t.value}`;
  return {
    name: 'cloudflare',
    display: displayUrl(endpoint.url),
    credential: endpoint.secret,
    credentialWhere: 'the `authorization` header (bearer token)',
    credentialHint: 'the Cloudflare API token (it needs the Zone › Cache Purge permission for this zone) and `zone`',
    takes: site ? ['path', 'tag'] : ['tag'],
    refuses: (t) =>
      t.type === 'path' && !site ? 'takes paths only with `site-url` (the origin they are purged under)' : tooLong(t, 1024, 'Cloudflare'),
    chunk: (targets) => [
      ...inGroupsOf(
        targets.filter((t) => t.type === 'tag'),
        endpoint.batchSize,
      ),
      ...inGroupsOf(
        targets.filter((t) => t.type === 'path'),
        endpoint.batchSize,
      ),
    ],
    request: (targets) => {
      const key = targets[0]?.type === 'tag' ? 'tags' : endpoint.pathsAs;
      return { method: 'POST', url, headers: apiHeaders(endpoint.secret), body: JSON.stringify({ [key]: targets.map(item) }) };
    },
    judge: (outcome, targets, context) => targets.map(() => judgeCloudflare(outcome, context)),
    rate: endpoint.rate,
  };
}

function judgeCloudflare(outcome: Outcome, context: JudgeContext): Verdict {
  const verdict = judge(outcome, context);
  if (outcome.kind !== 'response' || outcome.cutAtBytes !== undefined) return verdict;
  const reply = json(outcome.body) as { success?: unknown; errors?: unknown } | undefined;
  if (typeof reply !== 'object' || reply === null) return verdict;
  const errors = Array.isArray(reply.errors)
    ? reply.errors
        .map((e: { code?: unknown; message?: unknown }) =>
          [e?.code, e?.message].filter((x) => typeof x === 'string' || typeof x === 'number').join(' '),
        )
        .filter((e) => e !== '')
        .join('; ')
    : '';
  const message = said(errors, context);
  if (verdict.action === 'success' && reply.success !== true) {
    return {
      action: 'fail',
      reason: `HTTP ${outcome.status} but Cloudflare says success: ${JSON.stringify(reply.success ?? null)}${message ? `: ${message}` : ''}`,
    };
  }
  return withMessage(verdict, message);
}

/**
 * Netlify API, "purge": `POST /purge` with `{"site_id": …, "cache_tags": [...]}`; 202 when accepted;
 * errors as `{"code", "message"}` (policy.ts reads `message`).
 */
export function netlify(endpoint: ApiEndpoint & { siteId: string }): Receiver {
  const url = `${base(endpoint.url)}/purge`;
  return {
    name: 'netlify',
    display: displayUrl(endpoint.url),
    credential: endpoint.secret,
    credentialWhere: 'the `authorization` header (bearer token)',
    credentialHint: 'the Netlify access token and `site-id`',
    takes: ['tag'],
    refuses: (t) => (t.type === 'path' ? "takes tags only: Netlify's purge API purges by cache tag" : undefined),
    chunk: (targets) => inGroupsOf(targets, endpoint.batchSize),
    request: (targets) => ({
      method: 'POST',
      url,
      headers: apiHeaders(endpoint.secret),
      body: JSON.stringify({ site_id: endpoint.siteId, cache_tags: targets.map((t) => t.value) }),
    }),
    judge: (outcome, targets, context) => targets.map(() => judge(outcome, context)),
    rate: endpoint.rate,
  };
}
