/**
 * Receivers that take one path per request from the site itself: `next-pages` (a Pages Router API
 * route calling `res.revalidate(path)`, the secret and path in the query string as the Next.js
 * docs show them) and `vercel-bypass` (the page itself, requested with Vercel's
 * `x-prerender-revalidate` bypass token). Neither has cache tags.
 */
import { judge } from '../policy.js';
import { headerValue } from '../redact.js';
import type { Target } from '../../types.js';
import { displayUrl, inGroupsOf, type Receiver } from './types.js';

interface TokenEndpoint {
  url: string;
  secret: string;
}

const pathsOnly = (what: string) => (target: { type: string }) =>
  target.type === 'tag' ? `takes paths only: ${what} has no cache tags` : undefined;

/**
 * `POST <endpoint>?secret=<secret>&path=<path>`, as in the Next.js docs' `pages/api/revalidate`
 * (`req.query.secret`, `res.revalidate(path)`); 200 `{"revalidated": true}`, 401 `{"message": "Invalid token"}`,
 * 500 "Error revalidating". Encoded with encodeURIComponent, the form the redactor knows.
 */
export function nextPages(endpoint: TokenEndpoint): Receiver {
  const base = new URL(endpoint.url);
  const join = base.search === '' ? '?' : '&';
  return {
    name: 'next-pages',
    display: displayUrl(endpoint.url),
    credential: endpoint.secret,
    credentialWhere: 'the `secret` query parameter',
    credentialHint: "the secret against the route's own (`req.query.secret`)",
    takes: ['path'],
    refuses: pathsOnly('the Pages Router (res.revalidate)'),
    chunk: (targets) => inGroupsOf(targets, 1),
    request: (targets) => {
      const path = (targets[0] as Target).value;
      const query = `secret=${encodeURIComponent(headerValue(endpoint.secret))}&path=${encodeURIComponent(path)}`;
      return { method: 'POST', url: `${endpoint.url}${join}${query}`, headers: { 'user-agent': 'isr-revalidate' }, body: '' };
    },
    judge: (outcome, targets, context) => targets.map(() => judge(outcome, context)),
  };
}

/**
 * `GET <site origin><path>` with `x-prerender-revalidate: <bypass token>`: Vercel regenerates the
 * prerendered page at once (SvelteKit, Astro and Nuxt on Vercel use it too). A 404 counts: the
 * page is gone, and its cached copy is replaced by the 404. The path is appended to the origin as
 * text, so no path (not even `//other.example`) can send the token to another host.
 */
export function vercelBypass(endpoint: TokenEndpoint & { method: 'GET' | 'HEAD' }): Receiver {
  const base = new URL(endpoint.url);
  const prefix = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  return {
    name: 'vercel-bypass',
    display: displayUrl(endpoint.url),
    credential: endpoint.secret,
    credentialWhere: 'the `x-prerender-revalidate` header',
    credentialHint: "the bypass token against the project's prerender bypass token",
    takes: ['path'],
    refuses: pathsOnly('a page request'),
    chunk: (targets) => inGroupsOf(targets, 1),
    request: (targets) => ({
      method: endpoint.method,
      url: `${prefix}${(targets[0] as Target).value}`,
      headers: { 'user-agent': 'isr-revalidate', 'x-prerender-revalidate': headerValue(endpoint.secret) },
      body: '',
    }),
    judge: (outcome, targets, context) =>
      targets.map(() =>
        outcome.kind === 'response' && outcome.status === 404
          ? { action: 'success', note: 'HTTP 404: the page is gone; its cached copy now answers 404' }
          : judge(outcome, context),
      ),
  };
}
