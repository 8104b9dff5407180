/**
 * app/api/revalidate/route.ts: the revalidation endpoint that isr-revalidate calls (App Router,
 * Next.js 16). Copy this file into your site and set REVALIDATION_SECRET in its environment.
 *
 *   POST /api/revalidate
 *   x-revalidation-secret: <secret>
 *   {"type": "path", "value": "/blog/my-post"}   or   {"type": "tag", "value": "posts"}
 *   → 200 {"revalidated": true, "type", "value", "timestamp"}
 *   → 401 {"error": "Invalid secret"} · 400 {"error": "..."} · 500 {"error": "..."}
 *
 * It also takes the batch body (the action's `receiver: batch`), up to 1,000 targets at once:
 *
 *   {"targets": [{"type": "path", "value": "/blog/a"}, {"type": "tag", "value": "posts"}]}
 *   → 200 {"revalidated": true|false, "results": [{"type", "value", "revalidated": true|false, "error"?}], "timestamp"}
 *
 * A bad target in a batch fails that target alone (its result says why); the others still go.
 *
 * The action shows the `error` text of any non-2xx reply in its job summary, so the messages
 * below are written for the person reading it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { revalidatePath, revalidateTag } from 'next/cache';

// node:crypto needs the Node.js runtime (the default for route handlers; said here so it stays so).
export const runtime = 'nodejs';

/** Next.js refuses longer values: tags over 256 characters, paths over 1,024. */
const MAX_TAG_LENGTH = 256;
const MAX_PATH_LENGTH = 1024;
/** More than the action sends (`batch-size` is at most 1,000), so a runaway body is refused whole. */
const MAX_BATCH = 1000;

type Target = { type: 'path' | 'tag'; value: string };

export async function POST(request: Request): Promise<Response> {
  const expected = process.env.REVALIDATION_SECRET;
  if (!expected) {
    return Response.json({ error: 'REVALIDATION_SECRET is not set on the server' }, { status: 500 });
  }
  if (!secretMatches(request.headers.get('x-revalidation-secret'), expected)) {
    return Response.json({ error: 'Invalid secret' }, { status: 401 });
  }

  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json(
      { error: 'Invalid JSON body: send {"type": "path" | "tag", "value": "..."} or {"targets": [...]}' },
      { status: 400 },
    );
  }
  if (typeof body === 'object' && body !== null && 'targets' in body) return revalidateBatch((body as { targets: unknown }).targets);
  const target = parseTarget(body);
  if (typeof target === 'string') return Response.json({ error: target }, { status: 400 });

  const failure = revalidate(target);
  if (failure) return Response.json({ error: failure }, { status: 500 });
  return Response.json({ revalidated: true, type: target.type, value: target.value, timestamp: Date.now() });
}

/** The batch body: each target judged and revalidated on its own, one result each. */
function revalidateBatch(targets: unknown): Response {
  if (!Array.isArray(targets) || targets.length === 0 || targets.length > MAX_BATCH) {
    return Response.json({ error: `Invalid targets: send a list of 1 to ${MAX_BATCH} {"type", "value"} objects` }, { status: 400 });
  }
  const results = targets.map((given: unknown) => {
    const target = parseTarget(given);
    const { type, value } = (typeof given === 'object' && given !== null ? given : {}) as { type?: unknown; value?: unknown };
    if (typeof target === 'string') return { type, value, revalidated: false, error: target };
    const failure = revalidate(target);
    return failure ? { ...target, revalidated: false, error: failure } : { ...target, revalidated: true };
  });
  return Response.json({ revalidated: results.every((r) => r.revalidated), results, timestamp: Date.now() });
}

/** Revalidates one target; the reason it failed, or undefined. */
function revalidate(target: Target): string | undefined {
  try {
    if (target.type === 'path') {
      revalidatePath(target.value);
    } else {
      // { expire: 0 }: the next visitor gets fresh data. 'max' would serve them the stale page
      // once more while it regenerates (stale-while-revalidate). The one-argument form is
      // deprecated in Next.js 16 and no longer type-checks.
      revalidateTag(target.value, { expire: 0 });
    }
    return undefined;
  } catch (error) {
    console.error(`revalidate ${target.type} ${target.value} failed:`, error);
    return 'Failed to revalidate';
  }
}

/**
 * Constant-time comparison: `===` returns sooner the earlier the first wrong character is,
 * which lets an attacker guess a secret one character at a time. Hashing both sides first gives
 * timingSafeEqual equal lengths and does not reveal the secret's length either.
 */
function secretMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The request body as a target, or the reason it is not one. */
function parseTarget(body: unknown): Target | string {
  if (typeof body !== 'object' || body === null) return 'Invalid body: send {"type": "path" | "tag", "value": "..."}';
  const { type, value } = body as { type?: unknown; value?: unknown };
  if (type !== 'path' && type !== 'tag') return 'Invalid type: must be "path" or "tag"';
  if (typeof value !== 'string' || value.trim() === '') return 'Invalid value: must be a non-empty string';
  if (type === 'path') {
    if (!value.startsWith('/')) return 'Invalid path: must start with "/"';
    if (value.length > MAX_PATH_LENGTH) return `Invalid path: longer than ${MAX_PATH_LENGTH} characters`;
    if (/[?#]/.test(value)) return 'Invalid path: a site path has no query string or fragment';
  } else if (value.length > MAX_TAG_LENGTH) {
    return `Invalid tag: longer than ${MAX_TAG_LENGTH} characters`;
  }
  return { type, value };
}
