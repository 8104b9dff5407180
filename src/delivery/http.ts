/**
 * The HTTP edge: one attempt at one target, as one bounded exchange. Everything it returns has
 * been redacted, so nothing the server echoes can carry the secret further. It never throws.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Outcome } from './policy.js';

export interface AttemptRequest {
  url: string;
  /** Request headers, the secret's included. */
  headers: Record<string, string>;
  body: string;
  /** Bounds the whole exchange: connect, redirects, headers and body. */
  timeoutMs: number;
  /** True when `timeoutMs` was shortened to end at the run deadline. */
  clippedByDeadline: boolean;
  redact: (text: string) => string;
}

/** Same-origin 307/308 hops followed before giving up. */
export const MAX_REDIRECTS = 3;
/** Bytes of a reply read at most: enough for any message, and a runaway body cannot fill memory. */
export const BODY_LIMIT = 64 * 1024;

export async function attempt(request: AttemptRequest): Promise<Outcome> {
  // One signal for the whole attempt: fetch honours it while connecting and waiting for headers,
  // and the body stream errors with it, so a server that drips its body cannot outlast it.
  const signal = AbortSignal.timeout(Math.max(1, request.timeoutMs));
  const origin = new URL(request.url).origin;
  let url = request.url;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal });
      const rawLocation = response.headers.get('location');
      const location = rawLocation === null ? undefined : resolveLocation(rawLocation, url);
      // Only a same-origin 307/308 keeps the method and body and cannot carry the secret elsewhere.
      const sameOriginRepeat = (response.status === 307 || response.status === 308) && location !== undefined && sameOrigin(location, origin);
      if (sameOriginRepeat && redirects < MAX_REDIRECTS) {
        await response.body?.cancel().catch(() => undefined);
        url = location;
        continue;
      }
      const body = await readLimited(response, BODY_LIMIT);
      // undici hands the connection back to its keep-alive pool a turn after the body ends; a
      // request started sooner opens a second connection (seen: 2 per lane, alternating).
      await nextTurn();
      const retryAfter = response.headers.get('retry-after');
      return {
        kind: 'response',
        status: response.status,
        body: request.redact(body),
        contentType: response.headers.get('content-type') ?? '',
        ...(retryAfter !== null ? { retryAfter } : {}),
        ...(location !== undefined ? { location: request.redact(location) } : {}),
        redirects,
        ...(sameOriginRepeat ? { tooManyRedirects: true } : {}),
      };
    }
  } catch (error) {
    if (signal.aborted) return request.clippedByDeadline ? { kind: 'deadline' } : { kind: 'timeout', ms: request.timeoutMs };
    return { kind: 'network', message: request.redact(describeNetworkError(error)) };
  }
}

function resolveLocation(location: string, base: string): string {
  try {
    return new URL(location, base).href;
  } catch {
    return location; // shown as sent; never followed
  }
}

function sameOrigin(location: string, origin: string): boolean {
  try {
    return new URL(location).origin === origin;
  } catch {
    return false;
  }
}

/** Reads at most `limit` bytes of the body as UTF-8 and drops the rest. */
async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = limit - bytes;
    text += decoder.decode(value.byteLength > room ? value.subarray(0, room) : value, { stream: true });
    bytes += Math.min(value.byteLength, room);
    if (bytes >= limit) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return text + decoder.decode();
}

/** undici wraps the useful part (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET…) in `cause`. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : undefined;
  if (code) return `${code}${message && !message.startsWith(code) ? ` (${message})` : ''}`;
  if (message) return message;
  return error instanceof Error ? error.message : String(error);
}
