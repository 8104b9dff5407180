/**
 * The same posts on the Pages Router: generated at build time by getStaticProps and kept until
 * `res.revalidate('/legacy/<slug>')` (pages/api/revalidate-pages.ts) regenerates them.
 */
import type { GetStaticPaths, GetStaticProps } from 'next';
import { listSlugs, readPost, type Post } from '../../lib/content';

export const getStaticPaths: GetStaticPaths = async () => ({
  paths: (await listSlugs()).map((slug) => ({ params: { slug } })),
  fallback: 'blocking',
});

export const getStaticProps: GetStaticProps<{ post: Post }> = async ({ params }) => {
  const post = await readPost(String(params?.slug ?? ''));
  if (!post) return { notFound: true };
  return { props: { post } };
};

export default function LegacyPost({ post }: { post: Post }) {
  return (
    <article>
      <h1>{post.title}</h1>
      <p data-testid="body">{post.body}</p>
    </article>
  );
}
