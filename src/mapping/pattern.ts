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
 * stall the job. So a pattern compiles to a small automaton (machine.ts) that reads the name
 * once, following every way of matching at the same time: linear in the name, as proved there.
 * The program below says, instruction by instruction, what the regex-based matcher's
 * expression said, in the same order of preference, so captures come out the same.
 */
import { readCaptures, type CaptureKind } from './brackets.js';
import { Machine, type Instruction } from './machine.js';

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

export function compilePattern(rawPattern: string): CompiledPattern {
  const source = normalisePattern(rawPattern);
  if (source === '') throw new PatternError('a file pattern is empty');
  const fail = (why: string): never => {
    throw new PatternError(`pattern "${source}" ${why}`);
  };
  if (source.startsWith('!')) fail('starts with "!": a pattern cannot be negated; list what to leave out under `exclude`');
  const { items, captures } = readItems(source, fail);
  const nodes = parseNodes(items, fail);
  const program = new Program();
  program.sequence(nodes, true);
  program.add({ op: 'match' });
  const machine = new Machine(program.instructions);
  // Most names meet most rules only to be turned away, most often by the first characters.
  const prefix = literalPrefix(nodes);
  const test = (path: string) => path.startsWith(prefix) && isRepositoryPath(path) && machine.matches(path);
  return {
    source,
    captures,
    test,
    match(path: string) {
      // The verdict first (a table look-up per character once warm); captures only for a match.
      if (!test(path)) return undefined;
      const slots = machine.captures(path, captures.length * 2);
      if (!slots) return undefined;
      const values: Record<string, string> = {};
      captures.forEach((c, i) => {
        const start = slots[2 * i] as number;
        values[c.name] = start < 0 ? '' : path.slice(start, slots[2 * i + 1]);
      });
      return values;
    },
  };
}

/** The literal text every match starts with (`content/blog/` of `content/blog/[slug].md`). */
function literalPrefix(nodes: Node[]): string {
  let prefix = '';
  for (const [i, node] of nodes.entries()) {
    if (node.type === 'literal') prefix += node.char;
    // Not the slash before a globstar: `a/**` matches `a` too.
    else if (node.type === 'slash' && nodes[i + 1]?.type !== 'star') prefix += '/';
    else break;
  }
  return prefix;
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
    // By code point, so that a character outside the BMP is one literal, as `?` is one character.
    const chars = [...source.slice(from, to)];
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i] as string;
      if (char === '[' || char === ']') fail('has an unbalanced [ or ]');
      if (char === '\\' && i + 1 < chars.length) items.push({ type: 'escaped', char: chars[++i] as string });
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
  let pos = 0;
  const isChar = (item: Item | undefined, char: string) => item?.type === 'char' && item.char === char;
  const sequence = (inChoice: boolean): Node[] => {
    const nodes: Node[] = [];
    while (pos < items.length) {
      const item = items[pos] as Item;
      if (item.type === 'capture') {
        nodes.push({ ...item });
        pos++;
        continue;
      }
      if (item.type === 'escaped') {
        nodes.push({ type: 'literal', char: item.char });
        pos++;
        continue;
      }
      const { char } = item;
      if (inChoice && (char === ',' || char === '}')) return nodes;
      if ((char === '*' || char === '?' || char === '+' || char === '@' || char === '!') && isChar(items[pos + 1], '(')) {
        fail(`uses the extglob "${char}(": it is not supported; use {a,b} for choices, \`exclude\` to leave files out, or \\( for a literal "("`);
      }
      pos++;
      if (char === '/') nodes.push({ type: 'slash' });
      else if (char === '?') nodes.push({ type: 'qmark' });
      else if (char === '*') {
        let run = 1;
        while (isChar(items[pos], '*')) {
          run++;
          pos++;
        }
        nodes.push({ type: 'star', run });
      } else if (char === '{') nodes.push(choice());
      else if (char === '}') fail('has an unbalanced { or }');
      else nodes.push({ type: 'literal', char });
    }
    if (inChoice) fail('has an unbalanced { or }');
    return nodes;
  };
  const choice = (): Node => {
    const options: Node[][] = [sequence(true)];
    while (isChar(items[pos], ',')) {
      pos++;
      options.push(sequence(true));
    }
    pos++; // the closing `}`, which sequence() stopped at
    if (options.length === 1) {
      const inner = options[0] as Node[];
      if (inner.length > 0 && inner.every((n) => n.type === 'literal') && /^[^.]*\.\.[^.]*$/.test(inner.map((n) => (n as { char: string }).char).join(''))) {
        fail('uses a range such as {1..3}: ranges are not supported; list the choices, as in {1,2,3}');
      }
      // Without a comma, braces are plain text, as in a shell.
      return { type: 'choice', options: [[{ type: 'literal', char: '{' }, ...inner, { type: 'literal', char: '}' }]] };
    }
    return { type: 'choice', options };
  };
  return sequence(false);
}

/** Builds the program: each method appends the instructions for one construct. */
class Program {
  readonly instructions: Instruction[] = [];

  add(instruction: Instruction): number {
    this.instructions.push(instruction);
    return this.instructions.length - 1;
  }

  get next(): number {
    return this.instructions.length;
  }

  char(char: string): void {
    this.add({ op: 'char', code: char.codePointAt(0) as number });
  }

  /** `x*` (greedy) or `x*?` (lazy) for one reading instruction x. */
  repeat(read: 'not-slash' | 'any', lazy: boolean): void {
    const split = this.add({ op: 'jump', to: -1 });
    const body = this.add({ op: read });
    this.add({ op: 'jump', to: split });
    this.instructions[split] = lazy ? { op: 'split', first: this.next, second: body } : { op: 'split', first: body, second: this.next };
  }

  /** `(?:body)?` (greedy) or `(?:body)??` (lazy). */
  optional(body: () => void, lazy = false): void {
    const split = this.add({ op: 'jump', to: -1 });
    const start = this.next;
    body();
    this.instructions[split] = lazy ? { op: 'split', first: this.next, second: start } : { op: 'split', first: start, second: this.next };
  }

  /** `(?:a|b|…)`, the first choice preferred. */
  choice(options: Array<() => void>): void {
    const ends: number[] = [];
    options.forEach((option, i) => {
      if (i === options.length - 1) {
        option();
        return;
      }
      const split = this.add({ op: 'jump', to: -1 });
      const start = this.next;
      option();
      ends.push(this.add({ op: 'jump', to: -1 }));
      this.instructions[split] = { op: 'split', first: start, second: this.next };
    });
    for (const end of ends) this.instructions[end] = { op: 'jump', to: this.next };
  }

  /** `.+` (greedy) or `.+?` (lazy): one or more characters of any kind, slashes included. */
  anything(lazy: boolean): void {
    this.add({ op: 'any' });
    this.repeat('any', lazy);
  }

  /**
   * A node list. At the top level, `**` between slashes (or the pattern's ends) is a globstar;
   * the order of its alternatives is the order the regex-based matcher tried them in (zero
   * segments first at the start, one or more first elsewhere), so that the captures around a
   * globstar come out the same.
   */
  sequence(nodes: Node[], topLevel: boolean): void {
    const isGlobstar = (i: number) => {
      const n = nodes[i];
      if (!topLevel || n?.type !== 'star' || n.run !== 2) return false;
      const before = nodes[i - 1];
      const after = nodes[i + 1];
      return (before === undefined || before.type === 'slash') && (after === undefined || after.type === 'slash');
    };
    /** The last of a run of globstars `**` + `/**` …, which count as one. */
    const lastOfRun = (i: number) => {
      let j = i;
      while (nodes[j + 1]?.type === 'slash' && isGlobstar(j + 2)) j += 2;
      return j;
    };
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as Node;
      if (node.type === 'slash' && isGlobstar(i + 1)) {
        const j = lastOfRun(i + 1);
        if (j + 1 === nodes.length) {
          // `a/**`: `(?:/.+)?`, so that `a` itself matches too.
          this.optional(() => {
            this.char('/');
            this.anything(false);
          });
          i = j;
        } else {
          // `a/**/b`: `(?:/.+?/|/)`, the globstar's two slashes with it, or one slash for none.
          this.choice([
            () => {
              this.char('/');
              this.anything(true);
              this.char('/');
            },
            () => this.char('/'),
          ]);
          i = j + 1;
        }
        continue;
      }
      if (i === 0 && isGlobstar(0)) {
        const j = lastOfRun(0);
        if (j + 1 === nodes.length) {
          this.anything(false); // `**` alone: `.+`
        } else {
          // `**/b`: `(?:.+?/)??`, zero segments first.
          this.optional(() => {
            this.anything(true);
            this.char('/');
          }, true);
        }
        i = j + 1;
        continue;
      }
      this.node(node);
    }
  }

  node(node: Node): void {
    switch (node.type) {
      case 'literal':
        this.char(node.char);
        return;
      case 'slash':
        this.char('/');
        return;
      case 'qmark':
        this.add({ op: 'not-slash' });
        return;
      case 'star':
        this.repeat('not-slash', true); // `[^/]*?`
        return;
      case 'choice':
        this.choice(node.options.map((option) => () => this.sequence(option, false)));
        return;
      case 'capture': {
        const group = () => {
          this.add({ op: 'save', slot: 2 * node.index });
          this.add({ op: 'not-slash' });
          if (node.kind === 'one') {
            this.repeat('not-slash', true); // `([^/]+?)`
          } else {
            // `([^/]+(?:/[^/]+)*)`: segments joined by slashes, as many as fit.
            this.repeat('not-slash', false);
            const loop = this.add({ op: 'jump', to: -1 });
            const body = this.next;
            this.char('/');
            this.add({ op: 'not-slash' });
            this.repeat('not-slash', false);
            this.add({ op: 'jump', to: loop });
            this.instructions[loop] = { op: 'split', first: body, second: this.next };
          }
          this.add({ op: 'save', slot: 2 * node.index + 1 });
        };
        if (node.kind !== 'optional') group();
        else if (node.slash === 'after') {
          this.optional(() => {
            group();
            this.char('/');
          });
        } else if (node.slash === 'before') {
          this.optional(() => {
            this.char('/');
            group();
          });
        } else this.optional(group);
        return;
      }
    }
  }
}
