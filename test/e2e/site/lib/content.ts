/**
 * The site's content: Markdown-ish files in the content repository named by CONTENT_DIR (the
 * e2e test's temporary git repository). A post is `content/blog/<slug>.md` whose first line is
 * `# Title` and whose rest is the body. Read at build time and again at every re-render.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Post {
  slug: string;
  title: string;
  body: string;
}

function blogDir(): string {
  const root = process.env.CONTENT_DIR;
  if (!root) throw new Error('CONTENT_DIR is not set: it must name the content repository the site renders');
  return join(root, 'content', 'blog');
}

export async function listSlugs(): Promise<string[]> {
  const names = await readdir(blogDir()).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith('.md'))
    .map((n) => n.slice(0, -'.md'.length))
    .sort();
}

export async function readPost(slug: string): Promise<Post | undefined> {
  // Slugs come from the URL: only plain names may reach the file system.
  if (!/^[a-z0-9-]+$/.test(slug)) return undefined;
  let text: string;
  try {
    text = await readFile(join(blogDir(), `${slug}.md`), 'utf8');
  } catch {
    return undefined;
  }
  const [first = '', ...rest] = text.split('\n');
  return { slug, title: first.replace(/^#\s*/, '').trim(), body: rest.join('\n').trim() };
}
