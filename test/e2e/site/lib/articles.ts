/**
 * Articles: `content/articles/<file>.md` in CONTENT_DIR, each with YAML front matter between
 * `---` lines that decides its address (`slug`, else the file name) and its `title`. This is how
 * Contentlayer, Velite and most MDX blogs address pages, and what the action's `fm.` templates
 * follow. The fixture's front matter is `key: value` lines only, read here without a library.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Article {
  slug: string;
  title: string;
  body: string;
}

function articlesDir(): string {
  const root = process.env.CONTENT_DIR;
  if (!root) throw new Error('CONTENT_DIR is not set: it must name the content repository the site renders');
  return join(root, 'content', 'articles');
}

function parse(file: string, text: string): Article {
  const m = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(text);
  const fields: Record<string, string> = {};
  for (const line of (m?.[1] ?? '').split('\n')) {
    const kv = /^([A-Za-z_]+):\s*(.*)$/.exec(line);
    if (kv?.[1]) fields[kv[1]] = (kv[2] ?? '').replace(/^"(.*)"$/, '$1').trim();
  }
  const name = file.slice(0, -'.md'.length);
  return { slug: fields.slug || name, title: fields.title || name, body: (m ? (m[2] ?? '') : text).trim() };
}

export async function listArticles(): Promise<Article[]> {
  const names = await readdir(articlesDir()).catch(() => [] as string[]);
  const articles = await Promise.all(
    names.filter((n) => n.endsWith('.md')).map(async (n) => parse(n, await readFile(join(articlesDir(), n), 'utf8'))),
  );
  return articles.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
}

export async function findArticle(slug: string): Promise<Article | undefined> {
  return (await listArticles()).find((a) => a.slug === slug);
}
