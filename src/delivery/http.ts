/**
 * The HTTP edge: one attempt at one target, as one bounded exchange. Everything it returns has
 * been redacted, so nothing the server echoes can carry the secret further. It never throws.
 */
import type { ClientRequest, IncomingHttpHeaders } from 'node:http';
import type { Outcome } from './policy.js';

export interface AttemptRequest {
  url: string;
  /** POST (the default) with `body`; GET or HEAD send no body (a receiver that requests the page itself). */
  method?: 'POST' | 'GET' | 'HEAD';
  /** Request headers, the secret's included. */
  headers: Record<string, string>;
  body: string;
  /** Bounds the whole exchange: connect, redirects, headers and body. */
  timeoutMs: number;
  /** True when `timeoutMs` was shortened to end at the run deadline. */
  clippedByDeadline: boolean;
  redact: (text: string) => string;
  /** Aborted when the run is cancelled and the grace for requests in flight is over. */
  cancel?: AbortSignal;
  /** That grace, for the message. */
  graceMs?: number;
}

/** Same-origin 307/308 hops followed before giving up. */
export const MAX_REDIRECTS = 3;
/** Bytes of a reply read at most: enough for any message, and a runaway body cannot fill memory. */
export const BODY_LIMIT = 64 * 1024;

export async function attempt(request: AttemptRequest): Promise<Outcome> {
  // One timer for the whole attempt: it destroys whichever exchange is under way, so neither a
  // silent server nor one that drips its body can outlast it.
  const timer: Timer = { fired: false, cancelled: false };
  timer.handle = setTimeout(
    () => {
      timer.fired = true;
      timer.exchange?.destroy(new Error('timed out'));
    },
    Math.max(1, request.timeoutMs),
  );
  // A cancelled run ends the exchange the same way, once its grace is over.
  const onCancel = () => {
    timer.cancelled = true;
    timer.exchange?.destroy(new Error('cancelled'));
  };
  if (request.cancel?.aborted) onCancel();
  else request.cancel?.addEventListener('abort', onCancel, { once: true });
  const origin = new URL(request.url).origin;
  let url = request.url;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await post(url, request, timer);
      const rawLocation = response.headers.location;
      const location = rawLocation === undefined ? undefined : resolveLocation(rawLocation, url);
      // Only a same-origin 307/308 keeps the method and body and cannot carry the secret elsewhere.
      const sameOriginRepeat =
        (response.status === 307 || response.status === 308) && location !== undefined && sameOrigin(location, origin);
      if (sameOriginRepeat && redirects < MAX_REDIRECTS) {
        url = location;
        continue;
      }
      const retryAfter = response.headers['retry-after'];
      return {
        kind: 'response',
        status: response.status,
        body: request.redact(response.body),
        ...(response.cut ? { cutAtBytes: BODY_LIMIT } : {}),
        contentType: response.headers['content-type'] ?? '',
        ...(retryAfter !== undefined ? { retryAfter } : {}),
        ...(location !== undefined ? { location: request.redact(location) } : {}),
        redirects,
        ...(sameOriginRepeat ? { tooManyRedirects: true } : {}),
      };
    }
  } catch (error) {
    if (timer.cancelled) return { kind: 'cancelled', graceMs: request.graceMs ?? 0 };
    if (timer.fired) return request.clippedByDeadline ? { kind: 'deadline' } : { kind: 'timeout', ms: request.timeoutMs };
    const refused = error instanceof RefusedConnection;
    return {
      kind: 'network',
      message: request.redact(describeNetworkError(refused ? error.reason : error)),
      ...(refused ? { refused: true } : {}),
    };
  } finally {
    clearTimeout(timer.handle);
    request.cancel?.removeEventListener('abort', onCancel);
  }
}

/** Errors that mean the endpoint took no more connections, when they end a new one before any reply. */
const REFUSAL_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * A new connection refused, or reset before it carried a reply. A reset of a kept-alive
 * connection is not one: the server may have closed it as idle just as it was reused.
 */
class RefusedConnection extends Error {
  constructor(readonly reason: unknown) {
    super('connection refused');
  }
}

/** What ends an exchange early: the attempt's timeout, or the end of a cancelled run's grace. */
interface Timer {
  fired: boolean;
  cancelled: boolean;
  handle?: ReturnType<typeof setTimeout>;
  exchange?: ClientRequest;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  /** At most BODY_LIMIT bytes of the body, as UTF-8. */
  body: string;
  /** The body was longer than BODY_LIMIT: `body` is its beginning, the rest was never read. */
  cut: boolean;
}

/**
 * node:http rather than fetch: for a small JSON POST, fetch's Request/Response/web-stream layers
 * cost several times the CPU of the exchange itself, enough to make a run with thousands of
 * targets CPU-bound at concurrency 16 (bench/README.md). The modules load on first use, so a run
 * with nothing to send never pays for them; connections are kept alive and reused.
 */
async function post(url: string, request: AttemptRequest, timer: Timer): Promise<Reply> {
  const target = new URL(url);
  const { request: send, agent } = await transport(target.protocol);
  return new Promise<Reply>((resolve, reject) => {
    const method = request.method ?? 'POST';
    const body = method === 'POST' ? Buffer.from(request.body, 'utf8') : undefined;
    const headers = body ? { ...request.headers, 'content-length': String(body.length) } : request.headers;
    const exchange = send(target, { method, agent, headers });
    timer.exchange = exchange;
    if (timer.fired || timer.cancelled) exchange.destroy(new Error('timed out')); // it fired between two hops
    let responded = false;
    exchange.on('error', (error: NodeJS.ErrnoException) => {
      const refused = !responded && !exchange.reusedSocket && REFUSAL_CODES.has(error.code ?? '');
      reject(refused ? new RefusedConnection(error) : error);
    });
    exchange.on('response', (response) => {
      responded = true;
      const chunks: Buffer[] = [];
      let bytes = 0;
      let cut = false;
      response.on('data', (chunk: Buffer) => {
        if (cut) return;
        // A byte past the limit, not the limit itself, makes the reply longer than the cap: one
        // of exactly BODY_LIMIT bytes is read whole.
        if (bytes + chunk.length > BODY_LIMIT) {
          chunks.push(chunk.subarray(0, BODY_LIMIT - bytes));
          bytes = BODY_LIMIT;
          cut = true;
          // Enough read: drop the connection rather than download the rest.
          resolve(reply());
          response.destroy();
          return;
        }
        chunks.push(chunk);
        bytes += chunk.length;
      });
      const reply = (): Reply => ({ status: response.statusCode ?? 0, headers: response.headers, body: utf8(chunks), cut });
      response.on('end', () => resolve(reply()));
      response.on('error', reject);
      // A connection that ends before the reply does is a network error, never a short success.
      response.on('close', () => {
        if (!response.complete && !cut)
          reject(Object.assign(new Error('the connection closed before the reply was complete'), { code: 'ECONNRESET' }));
      });
    });
    // A Buffer, not a string: node:http then writes the headers on their own, as Latin-1 bytes
    // (what fetch sends too), instead of joining them to a string body in UTF-8.
    if (body) exchange.end(body);
    else exchange.end();
  });
}

function utf8(chunks: Buffer[]): string {
  // A character cut at the limit decodes to U+FFFD, as a streaming decoder would leave it.
  return Buffer.concat(chunks).toString('utf8');
}

interface Transport {
  request: typeof import('node:http').request;
  agent: import('node:http').Agent;
}

const transports = new Map<string, Promise<Transport>>();

/**
 * One keep-alive agent per protocol for the process; idle connections do not keep it alive.
 * Verification's visits use it too (src/verify/visit.ts).
 */
export function transport(protocol: string): Promise<Transport> {
  let pending = transports.get(protocol);
  if (!pending) {
    pending = (protocol === 'https:' ? import('node:https') : import('node:http')).then((m) => ({
      request: m.request,
      agent: new m.Agent({ keepAlive: true }),
    }));
    transports.set(protocol, pending);
  }
  return pending;
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

/** The system's code and words: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9). */
function describeNetworkError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const source = typeof e?.code === 'string' ? e : (e?.cause ?? e);
  const code = typeof source?.code === 'string' ? source.code : undefined;
  const message = typeof source?.message === 'string' ? source.message : undefined;
  if (code) return `${code}${message && !message.startsWith(code) ? ` (${message})` : ''}`;
  if (message) return message;
  return error instanceof Error ? error.message : String(error);
}
