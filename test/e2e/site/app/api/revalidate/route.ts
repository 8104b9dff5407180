/**
 * The revalidation endpoint in the contract the action speaks (the seed route users copy):
 * POST, secret in `x-revalidation-secret`, body {"type": "path" | "tag", "value": "..."}.
 * Next 16: `revalidateTag` takes a second argument; `{ expire: 0 }` expires the tag at once, so
 * the next visitor gets fresh data (`'max'` would serve one more stale page first).
 */
import { revalidatePath, revalidateTag } from 'next/cache';
import { NextResponse, type NextRequest } from 'next/server';

export async function POST(request: NextRequest) {
  const expected = process.env.REVALIDATION_SECRET;
  if (!expected || request.headers.get('x-revalidation-secret') !== expected) {
    return NextResponse.json({ error: 'Invalid secret' }, { status: 401 });
  }
  let body: { type?: unknown; value?: unknown };
  try {
    body = (await request.json()) as { type?: unknown; value?: unknown };
  } catch {
    return NextResponse.json({ error: 'Invalid JSON' }, { status: 400 });
  }
  const { type, value } = body;
  if ((type !== 'path' && type !== 'tag') || typeof value !== 'string' || value === '') {
    return NextResponse.json({ error: 'Invalid type' }, { status: 400 });
  }
  try {
    if (type === 'path') revalidatePath(value);
    else revalidateTag(value, { expire: 0 });
    return NextResponse.json({ revalidated: true, type, value, timestamp: Date.now() });
  } catch {
    return NextResponse.json({ error: 'Failed to revalidate' }, { status: 500 });
  }
}
