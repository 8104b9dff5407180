/**
 * The index of posts. Its data is cached under the tag `posts`, and no content file maps to this
 * path: only revalidating the tag can refresh it.
 */
import { unstable_cache } from 'next/cache';
import { listSlugs, readPost } from '../../lib/content';

export const revalidate = false;

const postTitles = unstable_cache(
  async () => {
    const posts = await Promise.all((await listSlugs()).map((slug) => readPost(slug)));
    return posts.filter((p) => p !== undefined).map((p) => ({ slug: p.slug, title: p.title }));
  },
  ['post-titles'],
  { tags: ['posts'] },
);

export default async function PostsPage() {
  const posts = await postTitles();
  return (
    <ul>
      {posts.map((p) => (
        <li key={p.slug}>{p.title}</li>
      ))}
    </ul>
  );
}
