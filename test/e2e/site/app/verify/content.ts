/**
 * The verification pages' content: `content/verify/<slug>.md` in CONTENT_DIR, first line
 * `# Title`, the rest the body. Read through unstable_cache under the tags `verify` and
 * `path:/verify/<slug>`, so that the stale-while-revalidate route (app/api/revalidate-max) can
 * mark one page stale by its path.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unstable_cache } from 'next/cache';

export interface Page {
  title: string;
  body: string;
}

async function readPage(slug: string): Promise<Page | null> {
  const root = process.env.CONTENT_DIR;
  if (!root) throw new Error('CONTENT_DIR is not set: it must name the content repository the site renders');
  // Slugs come from the URL: only plain names may reach the file system.
  if (!/^[a-z0-9-]+$/.test(slug)) return null;
  let text: string;
  try {
    text = await readFile(join(root, 'content', 'verify', `${slug}.md`), 'utf8');
  } catch {
    return null;
  }
  const [first = '', ...rest] = text.split('\n');
  return { title: first.replace(/^#\s*/, '').trim(), body: rest.join('\n').trim() };
}

export function verifyPage(slug: string): Promise<Page | null> {
  return unstable_cache(() => readPage(slug), ['verify-page', slug], { tags: ['verify', `path:/verify/${slug}`] })();
}
