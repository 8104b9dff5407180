/**
 * The index of articles, by their front-matter titles. Its data is cached under the tag
 * `articles`: only revalidating the tag refreshes it.
 */
import { unstable_cache } from 'next/cache';
import { listArticles } from '../../lib/articles';

export const revalidate = false;

const articleTitles = unstable_cache(
  async () => (await listArticles()).map((a) => ({ slug: a.slug, title: a.title })),
  ['article-titles'],
  {
    tags: ['articles'],
  },
);

export default async function ArticlesPage() {
  const articles = await articleTitles();
  return (
    <ul>
      {articles.map((a) => (
        <li key={a.slug}>{a.title}</li>
      ))}
    </ul>
  );
}
