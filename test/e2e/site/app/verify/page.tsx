/**
 * The index of the verification pages: cached until revalidated. It outlives any one page, so
 * verification expects it to be served (200) even when a page's file is deleted.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const revalidate = false;

export default async function VerifyIndex() {
  const names = await readdir(join(process.env.CONTENT_DIR ?? '', 'content', 'verify')).catch(() => [] as string[]);
  return (
    <ul>
      {names
        .filter((n) => n.endsWith('.md'))
        .sort()
        .map((n) => (
          <li key={n}>{n.slice(0, -'.md'.length)}</li>
        ))}
    </ul>
  );
}
