/**
 * File patterns: Next.js route brackets for captures, plus plain globs.
 *
 *   [name]       one path segment (no `/`)
 *   [...name]    one or more segments
 *   [[...name]]  zero or more segments; an adjoining `/` is optional with it
 *   *            any characters within one segment
 *   **           a whole segment of its own: zero or more segments (elsewhere, and
 *                `***`, the same as `*`)
 *   ?            one character, not `/`
 *   {a,b}        one of the choices (nestable; `{,-draft}` allows an empty one)
 *   \x           the character x itself
 *
 * Brackets always mean captures here, never glob character classes: that is the syntax users
 * know from their Next.js `app/` folder. Anything else is a literal character, parentheses
 * included; the extglob forms `!(..)`, `@(..)`, `+(..)`, `*(..)`, `?(..)`, a leading `!` and
 * `{1..3}` ranges are refused rather than guessed at.
 *
 * Why not a JavaScript RegExp: V8 matches by backtracking, and a pattern with several captures
 * or stars in one segment (`posts/[year]-[month]-[day]-[lang]-[slug].md`) against a name made
 * of dashes tries every way of placing them: O(n^k) for k captures, minutes for one 245-character
 * name. Anyone who can name a file, or send a file list through `repository_dispatch`, could
 * stall the job. So a pattern is translated into RE2 syntax and run by re2js, a port of RE2:
 * an automaton simulation that is linear by construction.
 *
 * The bound: a name of n characters against a pattern whose program has m instructions takes
 * O(n × m) steps, whatever the name holds. m grows linearly with the pattern's length, because
 * nothing here expands: `{a,b}` becomes one alternation, not a copy of the pattern per choice.
 * RE2 picks among several ways of matching the same way a backtracking engine would (leftmost,
 * lazy `[name]`, greedy `[...name]`), so captures are what the regex-based matcher gave; the
 * property tests in test/unit/pattern-property.test.ts hold the two side by side.
 */
import { RE2JS } from 're2js';
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
  /** Whether the path matches, without working out the captures (cheaper: for `exclude`). */
  test(path: string): boolean;
}

export class PatternError extends Error {}

/** Removes a leading `./` or `/`: patterns are relative to the repository root either way. */
export function normalisePattern(pattern: string): string {
  return pattern.trim().replace(/^(\.\/|\/)+/, '');
}

/**
 * One item of a pattern once its brackets are read. `slash` is kept apart from other literals
 * because `**` is a globstar only between slashes (or the pattern's ends).
 */
type Item =
  | { type: 'char'; char: string }
  | { type: 'escaped'; char: string }
  | { type: 'capture'; index: number; kind: CaptureKind; slash: 'after' | 'before' | 'none' };

type Node =
  | { type: 'literal'; char: string }
  | { type: 'slash' }
  | { type: 'qmark' }
  | { type: 'star'; run: number }
  | { type: 'capture'; index: number; kind: CaptureKind; slash: 'after' | 'before' | 'none' }
  | { type: 'choice'; options: Node[][] };

const ONE_SEGMENT = '[^/]+';
const SEGMENTS = '[^/]+(?:/[^/]+)*';

export function compilePattern(rawPattern: string): CompiledPattern {
  const source = normalisePattern(rawPattern);
  if (source === '') throw new PatternError('a file pattern is empty');
  const fail = (why: string): never => {
    throw new PatternError(`pattern "${source}" ${why}`);
  };
  if (source.startsWith('!')) fail('starts with "!": a pattern cannot be negated; list what to leave out under `exclude`');
  const { items, captures } = readItems(source, fail);
  const nodes = parseNodes(items, fail);
  const regex = RE2JS.compile(emit(nodes, true), RE2JS.DOTALL);
  const test = (path: string) => isRepositoryPath(path) && regex.testExact(path);
  return {
    source,
    captures,
    test,
    match(path: string) {
      // The capture-free test first: most names meet most rules only to be turned away.
      if (!test(path)) return undefined;
      const m = regex.matcher(path);
      if (!m.matches()) return undefined;
      const values: Record<string, string> = {};
      captures.forEach((c, i) => {
        values[c.name] = m.group(i + 1) ?? '';
      });
      return values;
    },
  };
}

/**
 * A name as git stores it: no empty, `.` or `..` segment. Such a name can only come from a
 * `repository_dispatch` payload, and it matches no pattern, so that `[...rest]` never captures
 * `../..` and a glob never reaches out of the folder it names.
 */
function isRepositoryPath(path: string): boolean {
  if (path === '') return false;
  for (const segment of path.split('/')) if (segment === '' || segment === '.' || segment === '..') return false;
  return true;
}

/** Splits the pattern into characters and captures, each capture with the slash it absorbs. */
function readItems(source: string, fail: (why: string) => never): { items: Item[]; captures: Capture[] } {
  const found = readCaptures(source, (text) =>
    fail(`: "${text}" is not a capture; a capture is [name], [...name] or [[...name]] with a name of letters, digits, _ or -`),
  );
  const items: Item[] = [];
  const captures: Capture[] = [];
  const text = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const char = source[i] as string;
      if (char === '[' || char === ']') fail('has an unbalanced [ or ]');
      if (char === '\\' && i + 1 < to) items.push({ type: 'escaped', char: source[++i] as string });
      else items.push({ type: 'char', char });
    }
  };
  let last = 0;
  for (const { name, kind, start, end } of found) {
    if (captures.some((c) => c.name === name)) fail(`names the capture "${name}" twice`);
    let textEnd = start;
    let next = end;
    let slash: 'after' | 'before' | 'none' = 'none';
    if (kind === 'optional') {
      // `docs/[[...page]]/index.md` must also match `docs/index.md`, and `docs/[[...page]]` must
      // match `docs`: the slash next to the capture is part of the optional group.
      if (source[end] === '/') {
        slash = 'after';
        next = end + 1;
      } else if (end === source.length && source[start - 1] === '/' && start - 1 >= last) {
        slash = 'before';
        textEnd = start - 1;
      }
    }
    text(last, textEnd);
    items.push({ type: 'capture', index: captures.length, kind, slash });
    captures.push({ name, kind });
    last = next;
  }
  text(last, source.length);
  return { items, captures };
}

/** Reads globs and `{a,b}` choices, recursively: nesting is bounded by the pattern's length. */
function parseNodes(items: Item[], fail: (why: string) => never): Node[] {
  return new NodeReader(items, fail).sequence(false);
}

/** The reader behind parseNodes: `pos` walks the items; each method reads one construct. */
class NodeReader {
  private pos = 0;
  private readonly items: Item[];
  private readonly fail: (why: string) => never;

  constructor(items: Item[], fail: (why: string) => never) {
    this.items = items;
    this.fail = fail;
  }

  sequence(inChoice: boolean): Node[] {
    const nodes: Node[] = [];
    while (this.pos < this.items.length) {
      const item = this.items[this.pos] as Item;
      if (item.type === 'capture') {
        nodes.push({ ...item });
        this.pos++;
        continue;
      }
      if (item.type === 'escaped') {
        nodes.push({ type: 'literal', char: item.char });
        this.pos++;
        continue;
      }
      const { char } = item;
      if (inChoice && (char === ',' || char === '}')) return nodes;
      nodes.push(this.fromChar(char));
    }
    if (inChoice) this.fail('has an unbalanced { or }');
    return nodes;
  }

  /** The node a plain character starts: a run of stars is one node, a `{` a whole choice. */
  private fromChar(char: string): Node {
    if ((char === '*' || char === '?' || char === '+' || char === '@' || char === '!') && isChar(this.items[this.pos + 1], '(')) {
      this.fail(
        `uses the extglob "${char}(": it is not supported; use {a,b} for choices, \`exclude\` to leave files out, or \\( for a literal "("`,
      );
    }
    this.pos++;
    if (char === '/') return { type: 'slash' };
    if (char === '?') return { type: 'qmark' };
    if (char === '*') {
      let run = 1;
      while (isChar(this.items[this.pos], '*')) {
        run++;
        this.pos++;
      }
      return { type: 'star', run };
    }
    if (char === '{') return this.choice();
    if (char === '}') this.fail('has an unbalanced { or }');
    return { type: 'literal', char };
  }

  private choice(): Node {
    const options: Node[][] = [this.sequence(true)];
    while (isChar(this.items[this.pos], ',')) {
      this.pos++;
      options.push(this.sequence(true));
    }
    this.pos++; // the closing `}`, which sequence() stopped at
    if (options.length === 1) return bracesAsText(options[0] as Node[], this.fail);
    return { type: 'choice', options };
  }
}

function isChar(item: Item | undefined, char: string): boolean {
  return item?.type === 'char' && item.char === char;
}

/** Braces without a comma are plain text, as in a shell; but `{1..3}` is a range, refused. */
function bracesAsText(inner: Node[], fail: (why: string) => never): Node {
  if (
    inner.length > 0 &&
    inner.every((n) => n.type === 'literal') &&
    /^[^.]*\.\.[^.]*$/.test(inner.map((n) => (n as { char: string }).char).join(''))
  ) {
    fail('uses a range such as {1..3}: ranges are not supported; list the choices, as in {1,2,3}');
  }
  return { type: 'choice', options: [[{ type: 'literal', char: '{' }, ...inner, { type: 'literal', char: '}' }]] };
}

/**
 * RE2 syntax for a node list. At the top level, `**` between slashes (or the pattern's ends)
 * is a globstar; the order of the alternatives below is the order the regex-based matcher
 * tried them in (zero segments first at the start, one or more first elsewhere), so that the
 * captures around a globstar come out the same.
 */
function emit(nodes: Node[], topLevel: boolean): string {
  const isGlobstar = (i: number) => {
    const n = nodes[i];
    if (!topLevel || n?.type !== 'star' || n.run !== 2) return false;
    const before = nodes[i - 1];
    const after = nodes[i + 1];
    return (before === undefined || before.type === 'slash') && (after === undefined || after.type === 'slash');
  };
  let out = '';
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as Node;
    if (node.type === 'slash' && isGlobstar(i + 1)) {
      // `a/**/b` or `a/**`: the globstar takes its slashes with it. `**/**` is one globstar.
      let j = i + 1;
      while (nodes[j + 1]?.type === 'slash' && isGlobstar(j + 2)) j += 2;
      if (j + 1 === nodes.length) {
        out += '(?:/.+)?';
        i = j;
      } else {
        out += '(?:/.+?/|/)';
        i = j + 1;
      }
      continue;
    }
    if (i === 0 && isGlobstar(0)) {
      let j = 0;
      while (nodes[j + 1]?.type === 'slash' && isGlobstar(j + 2)) j += 2;
      if (j + 1 === nodes.length) out += '.+';
      else out += '(?:.+?/)??';
      i = j + 1;
      continue;
    }
    out += emitNode(node);
  }
  return out;
}

function emitNode(node: Node): string {
  switch (node.type) {
    case 'literal':
      return RE2JS.quote(node.char);
    case 'slash':
      return '/';
    case 'qmark':
      return '[^/]';
    case 'star':
      return '[^/]*?';
    case 'choice':
      return `(?:${node.options.map((o) => emit(o, false)).join('|')})`;
    case 'capture': {
      const group = node.kind === 'one' ? `(${ONE_SEGMENT}?)` : `(${SEGMENTS})`;
      if (node.kind !== 'optional') return group;
      if (node.slash === 'after') return `(?:${group}/)?`;
      if (node.slash === 'before') return `(?:/${group})?`;
      return `${group}?`;
    }
  }
}
