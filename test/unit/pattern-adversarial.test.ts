/**
 * Names built to make a backtracking matcher try every placement of its captures: 1,000
 * characters of the separator the captures are split by, against six-capture patterns. The
 * regex-based matcher took over a minute on 245 dashes against five captures; these come back
 * in milliseconds. Nothing here is timed: a regression does not finish at all, and since a
 * synchronous hang cannot be ended by vitest's own timeout, each check runs under node:vm's
 * `timeout`, which interrupts even a running regular expression, far above what the work needs.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../src/mapping/pattern.js';

/** Runs `work`, or throws "Script execution timed out" when it has not finished after 20 s. */
function bounded<T>(work: () => T): T {
  return runInNewContext('work()', { work }, { timeout: 20_000 }) as T;
}

const N = 1000;
const fill = (unit: string, prefix = '', suffix = '') =>
  prefix + unit.repeat(Math.ceil((N - prefix.length - suffix.length) / unit.length)).slice(0, N - prefix.length - suffix.length) + suffix;

const CASES: Array<{ pattern: string; names: string[] }> = [
  {
    pattern: 'posts/[year]-[month]-[day]-[lang]-[slug]-[rev].md',
    names: [fill('-', 'posts/'), fill('-', 'posts/', '.mdx'), fill('a-', 'posts/'), fill('-.', 'posts/', '.mx')],
  },
  { pattern: '[a].[b].[c].[d].[e].[f].json', names: [fill('.'), fill('.', '', '.jso'), fill('a.')] },
  { pattern: '[...a]-[...b]-[...c]-[...d]-[...e]-[...f]/end', names: [fill('-/', '', '-'), fill('-'), fill('a-/', '', '/en')] },
  { pattern: '[[...a]]/x/[[...b]]/x/[[...c]]/x/[[...d]]/x/[[...e]]/x/[[...f]].md', names: [fill('x/', '', 'x'), fill('x/', '', 'y.mx')] },
  { pattern: 'posts/*-*-*-*-*-[slug].md', names: [fill('-', 'posts/'), fill('--', 'posts/', '.m')] },
  { pattern: '**/[a]-[b]-[c]/**/[d]-[e]-[f].md', names: [fill('-/-'), fill('a-/', '', '.md')] },
];

describe('adversarial names against six-capture patterns', () => {
  it.each(CASES)('$pattern', ({ pattern, names }) => {
    const compiled = compilePattern(pattern);
    for (const name of names) {
      expect(name.length).toBe(N);
      // A name git can store, so that the matcher itself is what turns it away.
      expect(
        name.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
        name.slice(0, 40),
      ).toBe(true);
      expect(
        bounded(() => compiled.match(name)),
        name.slice(0, 40),
      ).toBeUndefined();
    }
  });

  it('and still captures what a long name holds: each [name] as short as the rest allows', () => {
    const p = compilePattern('posts/[year]-[month]-[day]-[lang]-[slug]-[rev].md');
    const slug = 'a'.repeat(N);
    expect(bounded(() => p.match(`posts/2024-01-02-en-${slug}-3.md`))).toEqual({
      year: '2024',
      month: '01',
      day: '02',
      lang: 'en',
      slug,
      rev: '3',
    });
    const dashes = '-'.repeat(N);
    expect(bounded(() => p.match(`posts/2024-01-02-en-${dashes}.md`))).toEqual({
      year: '2024',
      month: '01',
      day: '02',
      lang: 'en',
      slug: '-',
      rev: '-'.repeat(N - 2),
    });
  });
});
