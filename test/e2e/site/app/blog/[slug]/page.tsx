/**
 * One post per content file, generated at build time and cached until its path is revalidated
 * (`revalidate = false`). Unknown slugs render on demand (`dynamicParams`), and a missing file is
 * a 404 that Next.js caches too: only revalidating this exact path brings a new post to life.
 */
import { notFound } from 'next/navigation';
import { listSlugs, readPost } from '../../../lib/content';

export const revalidate = false;
export const dynamicParams = true;

export async function generateStaticParams() {
  return (await listSlugs()).map((slug) => ({ slug }));
}

export default async function PostPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const post = await readPost(slug);
  if (!post) notFound();
  return (
    <article>
      <h1>{post.title}</h1>
      <p data-testid="body">{post.body}</p>
    </article>
  );
}
