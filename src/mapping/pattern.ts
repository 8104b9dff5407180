/**
 * File patterns: Next.js route brackets for captures, picomatch for everything glob.
 *
 *   [name]       one path segment (no `/`)
 *   [...name]    one or more segments
 *   [[...name]]  zero or more segments; an adjoining `/` is optional with it
 *   * ** ? {a,b} plain globs (picomatch)
 *
 * Brackets always mean captures here, never glob character classes: that is the syntax users
 * know from their Next.js `app/` folder.
 */
import picomatch from 'picomatch';
import { readCaptures, type CaptureKind } from './brackets.js';

export type { CaptureKind } from './brackets.js';

export interface Capture {
  name: string;
  kind: CaptureKind;
}

export interface CompiledPattern {
  source: string;
  captures: Capture[];
  /** Returns capture values by name, or undefined when the path does not match. */
  match(path: string): Record<string, string> | undefined;
}

export class PatternError extends Error {}

const SEGMENTS = '[^\\/]+(?:\\/[^\\/]+)*';

/** Removes a leading `./` or `/`: patterns are relative to the repository root either way. */
export function normalisePattern(pattern: string): string {
  return pattern.trim().replace(/^(\.\/|\/)+/, '');
}

export function compilePattern(rawPattern: string): CompiledPattern {
  const source = normalisePattern(rawPattern);
  if (source === '') throw new PatternError('a file pattern is empty');
  const captures: Capture[] = [];
  // Each capture becomes a placeholder made of letters and digits, which picomatch copies
  // verbatim into its regular expression; the placeholder is then swapped for a named group.
  const marker = (i: number) => `ISRCAPTURE${i}X`;
  if (/ISRCAPTURE\d+X/.test(source)) throw new PatternError(`pattern "${source}" contains a reserved word`);
  const groups: string[] = [];
  let glob = '';
  let last = 0;
  const found = readCaptures(source, (text) => {
    throw new PatternError(`pattern "${source}": "${text}" is not a capture; a capture is [name], [...name] or [[...name]] with a name of letters, digits, _ or -`);
  });
  for (const { name, kind, start, end: bracketEnd } of found) {
    let before = source.slice(last, start);
    let end = bracketEnd;
    if (captures.some((c) => c.name === name)) {
      throw new PatternError(`pattern "${source}" names the capture "${name}" twice`);
    }
    const group = `(?<c${captures.length}>${kind === 'one' ? '[^\\/]+?' : SEGMENTS})`;
    let regex = group;
    if (kind === 'optional') {
      // `docs/[[...page]]/index.md` must also match `docs/index.md`, and `docs/[[...page]]` must
      // match `docs`: the slash next to the capture is part of the optional group.
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
    glob += before + marker(captures.length);
    groups.push(regex);
    captures.push({ name, kind });
    last = end;
  }
  glob += source.slice(last);
  if (/[[\]]/.test(glob.replace(/ISRCAPTURE\d+X/g, ''))) {
    throw new PatternError(`pattern "${source}" has an unbalanced [ or ]`);
  }
  let regexSource = picomatch.makeRe(glob, { dot: true }).source;
  groups.forEach((g, i) => {
    regexSource = regexSource.replace(marker(i), () => g);
  });
  const regex = new RegExp(regexSource);
  return {
    source,
    captures,
    match(path: string) {
      const m = regex.exec(path);
      if (!m) return undefined;
      const values: Record<string, string> = {};
      captures.forEach((c, i) => {
        values[c.name] = m.groups?.[`c${i}`] ?? '';
      });
      return values;
    },
  };
}
