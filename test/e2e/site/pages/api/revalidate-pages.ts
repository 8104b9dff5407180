/**
 * pages/api/revalidate.ts: the same endpoint for a site on the Pages Router, using
 * res.revalidate(). Copy this file into your site and set REVALIDATION_SECRET.
 *
 * The Pages Router regenerates pages by path only: it has no cache tags. Map your content
 * files to `paths` (not `tags`) when your site uses it; a tag sent here is refused with a 400
 * that says so, and the action lists it as failed.
 *
 * It takes both forms the action sends:
 *   receiver next-app:   POST, header x-revalidation-secret, body {"type": "path", "value": "/blog/a"}
 *   receiver next-pages: POST /api/revalidate?secret=<secret>&path=/blog/a   (as the Next.js docs show it)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextApiRequest, NextApiResponse } from 'next';

const MAX_PATH_LENGTH = 1024;

export default async function handler(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return res.status(405).json({ error: 'Method not allowed: use POST' });
  }
  const expected = process.env.REVALIDATION_SECRET;
  if (!expected) return res.status(500).json({ error: 'REVALIDATION_SECRET is not set on the server' });
  const given = req.headers['x-revalidation-secret'] ?? req.query.secret;
  if (typeof given !== 'string' || !secretMatches(given, expected)) {
    return res.status(401).json({ error: 'Invalid secret' });
  }

  // Next.js parses a JSON body (content-type: application/json) into req.body; the query form
  // (`?path=`) has none.
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { type?: unknown; value?: unknown };
  const { type, value } = typeof req.query.path === 'string' ? { type: 'path', value: req.query.path } : body;
  if (type === 'tag') {
    return res
      .status(400)
      .json({ error: 'Tags need the App Router (revalidateTag); the Pages Router revalidates paths only: map files to paths' });
  }
  if (type !== 'path') return res.status(400).json({ error: 'Invalid type: must be "path"' });
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > MAX_PATH_LENGTH || /[?#]/.test(value)) {
    return res.status(400).json({ error: `Invalid path: must start with "/", at most ${MAX_PATH_LENGTH} characters, no query string` });
  }

  try {
    // Regenerates the page now, by requesting it; for a page that no longer exists (a deleted
    // post) this fails on some Next.js versions: the message below ends up in the job summary.
    await res.revalidate(value);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return res.status(500).json({ error: `Failed to revalidate ${value}: ${message}` });
  }
  return res.status(200).json({ revalidated: true, type, value, timestamp: Date.now() });
}

/** Constant-time comparison of the secret (see the App Router route for why). */
function secretMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
