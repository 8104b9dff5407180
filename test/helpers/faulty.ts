/**
 * A revalidation endpoint on 127.0.0.1 that misbehaves on purpose. The test gives it a handler
 * that decides, per request, how to answer (or not); the server records every request it saw,
 * the connections it accepted and the most requests it ever had in flight at once.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach } from 'vitest';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** "type value" from the body, or the raw body when it is not the contract's JSON. */
  target: string;
  /** Which accepted connection carried it (1-based, in accept order). */
  connection: number;
  /** This target's attempt number as the server counts it (1-based). */
  nth: number;
}

export interface Exchange {
  request: SeenRequest;
  req: IncomingMessage;
  res: ServerResponse;
  /** Marks the request as no longer in flight; the helpers below call it. */
  finish(): void;
}

export type Handler = (exchange: Exchange) => void;

export interface FaultServer {
  url: string;
  origin: string;
  requests: SeenRequest[];
  /** Connections accepted. */
  connections(): number;
  /** Most requests in flight at once (received, not yet answered or dropped). */
  maxInFlight(): number;
  /** Connections dropped at once because `maxConnections` were already open. */
  dropped(): number;
  close(): Promise<void>;
}

export interface FaultServerOptions {
  /**
   * Connections open at once beyond which a new one is closed as soon as it is accepted, before
   * a byte is read (node:net's `server.maxConnections`): a receiver that takes fewer
   * connections than the client opens. The client sees a reset.
   */
  maxConnections?: number;
}

export async function startFaultServer(handler: Handler, path = '/api/revalidate', options: FaultServerOptions = {}): Promise<FaultServer> {
  const requests: SeenRequest[] = [];
  const attempts = new Map<string, number>();
  const socketIds = new WeakMap<Socket, number>();
  let connections = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    // In flight from the moment the request arrives; a reply's end() ends it before any byte of
    // the reply leaves, so the client cannot start its next request while this one still counts.
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      inFlight -= 1;
    };
    res.on('close', finish);
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      finish();
      return end(...args);
    }) as typeof res.end;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = targetOf(body);
      const nth = (attempts.get(target) ?? 0) + 1;
      attempts.set(target, nth);
      const request: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        target,
        connection: socketIds.get(req.socket) ?? 0,
        nth,
      };
      requests.push(request);
      handler({ request, req, res, finish });
    });
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    socketIds.set(socket, connections);
  });
  let dropped = 0;
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  server.on('drop', () => (dropped += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${path}`,
    origin,
    requests,
    connections: () => connections,
    maxInFlight: () => maxInFlight,
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function targetOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; value?: unknown };
    if (typeof parsed.type === 'string' && typeof parsed.value === 'string') return `${parsed.type} ${parsed.value}`;
  } catch {
    // not the contract's JSON: keep the raw body
  }
  return body;
}

// ---- ways to answer -------------------------------------------------------------------------

export function json(ex: Exchange, status: number, value: unknown, headers: Record<string, string> = {}): void {
  ex.res.writeHead(status, { 'content-type': 'application/json', ...headers });
  ex.res.end(JSON.stringify(value));
}

export function text(ex: Exchange, status: number, body: string, headers: Record<string, string> = {}): void {
  ex.res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  ex.res.end(body);
}

export function html(ex: Exchange, status: number, title: string, headers: Record<string, string> = {}): void {
  ex.res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  ex.res.end(
    `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>${'lorem ipsum '.repeat(50)}</p></body></html>`,
  );
}

/** The contract's success reply. */
export function ok(ex: Exchange): void {
  const { type, value } = JSON.parse(ex.request.body) as { type: string; value: string };
  json(ex, 200, { revalidated: true, type, value, timestamp: 1 });
}

/** Drops the connection without a byte of reply (the client sees a reset / "other side closed"). */
export function reset(ex: Exchange): void {
  ex.finish();
  ex.req.socket.destroy();
}

/** Sends the status line, headers and part of the body, then drops the connection. */
export function resetMidResponse(ex: Exchange): void {
  ex.res.writeHead(200, { 'content-type': 'application/json', 'content-length': '64' });
  ex.res.write('{"revalidated": tr', () => {
    ex.finish();
    ex.req.socket.destroy();
  });
}

/** Never answers; the request stays open until the client gives up. */
export function hang(_ex: Exchange): void {
  // deliberately nothing
}

/** Answers 200 at once, then drips the body a byte at a time and never finishes it. */
export function drip(ex: Exchange, everyMs = 20): void {
  ex.res.writeHead(200, { 'content-type': 'application/json' });
  ex.res.write('{');
  const timer = setInterval(() => ex.res.write(' '), everyMs);
  ex.res.on('close', () => clearInterval(timer));
}

/** Mulberry32: a small seeded PRNG, so "random" failures are the same on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable number in [0, 1) for a string (FNV-1a then mixed), to seed per-request decisions. */
export function hashUnit(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mulberry32(h)();
}

/**
 * `startFaultServer` for one test file: every server it starts is closed after the test that
 * started it (it registers vitest's afterEach, so call it at the top of the file).
 */
export function serveFaults(): (handler: Handler, path?: string, options?: FaultServerOptions) => Promise<FaultServer> {
  const servers: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (handler, path, options) => {
    const server = await startFaultServer(handler, path, options);
    servers.push(server);
    return server;
  };
}
