/**
 * app/api/revalidate-max/route.ts: a stale-while-revalidate variant of app/api/revalidate, for
 * the verification e2e test (test/e2e/verify.test.ts). Same contract and secret, but every
 * target goes to `revalidateTag(tag, 'max')`: the first visitor afterwards still gets the old
 * page (`x-nextjs-cache: STALE`) while Next.js renders the new one in the background. A path is
 * revalidated through the tag `path:<path>` its page's data carries (app/verify/content.ts):
 * revalidatePath has no stale-while-revalidate form.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { revalidateTag } from 'next/cache';

export const runtime = 'nodejs';

export async function POST(request: Request): Promise<Response> {
  const expected = process.env.REVALIDATION_SECRET;
  if (!expected) return Response.json({ error: 'REVALIDATION_SECRET is not set on the server' }, { status: 500 });
  if (!secretMatches(request.headers.get('x-revalidation-secret'), expected)) {
    return Response.json({ error: 'Invalid secret' }, { status: 401 });
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: 'Invalid JSON body' }, { status: 400 });
  }
  const { type, value } = (typeof body === 'object' && body !== null ? body : {}) as { type?: unknown; value?: unknown };
  if ((type !== 'path' && type !== 'tag') || typeof value !== 'string' || value === '') {
    return Response.json({ error: 'Invalid target: send {"type": "path" | "tag", "value": "..."}' }, { status: 400 });
  }
  revalidateTag(type === 'path' ? `path:${value}` : value, 'max');
  return Response.json({ revalidated: true, type, value, timestamp: Date.now() });
}

function secretMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
