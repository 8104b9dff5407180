/**
 * Pages the verification e2e test (test/e2e/verify.test.ts) revalidates and then visits: cached
 * until revalidated, a 404 once their file is gone, and a page whose render throws when its
 * file says THROW (a rebuild that fails after the push).
 */
import { notFound } from 'next/navigation';
import { verifyPage } from '../content';

export const revalidate = false;
export const dynamicParams = true;

export function generateStaticParams() {
  return [];
}

export default async function VerifyPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const page = await verifyPage(slug);
  if (!page) notFound();
  if (page.body.includes('THROW')) throw new Error(`the page ${slug} cannot be rendered: its file says THROW`);
  return (
    <article>
      <h1>{page.title}</h1>
      <p data-testid="body">{page.body}</p>
    </article>
  );
}
