/**
 * The matcher as it was before issue 11: picomatch's regular expression with the captures
 * swapped in, run by V8's backtracking engine. Kept only as the reference the property tests
 * compare the linear-time matcher with (test/unit/pattern-property.test.ts): same captures, same
 * verdicts, on every name a repository can hold. Never run it on adversarial names.
 */
import picomatch from 'picomatch';
import { readCaptures } from '../../src/mapping/brackets.js';
import { normalisePattern } from '../../src/mapping/pattern.js';

const SEGMENTS = '[^\\/]+(?:\\/[^\\/]+)*';

export function referencePattern(rawPattern: string): (path: string) => Record<string, string> | undefined {
  const source = normalisePattern(rawPattern);
  const marker = (i: number) => `ISRCAPTURE${i}X`;
  const groups: string[] = [];
  const names: string[] = [];
  let glob = '';
  let last = 0;
  const found = readCaptures(source, (text) => {
    throw new Error(`not a capture: ${text}`);
  });
  for (const { name, kind, start, end: bracketEnd } of found) {
    let before = source.slice(last, start);
    let end = bracketEnd;
    const group = `(?<c${names.length}>${kind === 'one' ? '[^\\/]+?' : SEGMENTS})`;
    let regex = group;
    if (kind === 'optional') {
      if (source[end] === '/') {
        end += 1;
        regex = `(?:${group}\\/)?`;
      } else if (before.endsWith('/') && end === source.length) {
        before = before.slice(0, -1);
        regex = `(?:\\/${group})?`;
      } else {
        regex = `${group}?`;
      }
    }
    glob += before + marker(names.length);
    groups.push(regex);
    names.push(name);
    last = end;
  }
  glob += source.slice(last);
  let regexSource = picomatch.makeRe(glob, { dot: true }).source;
  groups.forEach((g, i) => {
    regexSource = regexSource.replace(marker(i), () => g);
  });
  const regex = new RegExp(regexSource);
  return (path) => {
    const m = regex.exec(path);
    if (!m) return undefined;
    const values: Record<string, string> = {};
    names.forEach((name, i) => {
      values[name] = m.groups?.[`c${i}`] ?? '';
    });
    return values;
  };
}
