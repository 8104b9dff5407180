/**
 * One article per content file, at the address its front matter names (`slug`), cached until
 * that path is revalidated. An address no article has (any more) is a 404, cached too.
 */
import { notFound } from 'next/navigation';
import { findArticle, listArticles } from '../../../lib/articles';

export const revalidate = false;
export const dynamicParams = true;

export async function generateStaticParams() {
  return (await listArticles()).map((a) => ({ slug: a.slug }));
}

export default async function ArticlePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const article = await findArticle(slug);
  if (!article) notFound();
  return (
    <article>
      <h1>{article.title}</h1>
      <p data-testid="body">{article.body}</p>
    </article>
  );
}
