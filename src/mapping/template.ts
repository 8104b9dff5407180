/**
 * Templates for site paths and cache tags: literal text with the same brackets as patterns.
 * `[slug]`, `[...slug]` and `[[...slug]]` all insert the captured value; the bracket form is
 * accepted in any combination so users can copy their route folder names as they are.
 *
 * Inside the brackets, an insert may also name a front-matter field and fall back and transform:
 *
 *   [fm.KEY]            a front-matter field; dotted keys reach into maps (`fm.author.id`)
 *   [a ?? b ?? c]       the first of these that has a value (captures always have one)
 *   [x|lower|slugify]   transforms of the value before them, in order: in
 *                       `[fm.slug ?? fm.title|slugify]` the title is slugified, the slug is not
 */
import { readBrackets } from './brackets.js';
import { applyTransform, lookupField, TRANSFORMS, type Transform } from './fields.js';

/** One choice of an insert: a capture of the file's name or a front-matter field, and the transforms after it. */
export type InsertSource = ({ capture: string } | { field: string[] }) & { transforms: Transform[] };

export interface Insert {
  /** The bracket text as written, for messages. */
  text: string;
  /** The choices, in order: the first that has a value is inserted, through its own transforms. */
  from: InsertSource[];
}

export interface Template {
  source: string;
  parts: Array<{ literal: string } | { insert: Insert }>;
  /** Names of the captures the template uses (fallbacks included). */
  names: string[];
  /** The front-matter keys it uses, dotted (`author.id`); empty for a template that reads no file. */
  fields: string[];
  /**
   * Whether it inserts anything from the file (a capture or a field): a template without inserts
   * names the same target whichever file matched, one with them names the file's own page.
   */
  inserts: boolean;
}

export class TemplateError extends Error {}

const CAPTURE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const FIELD = /^fm\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)$/;

export function parseTemplate(source: string): Template {
  const parts: Template['parts'] = [];
  const names = new Set<string>();
  const fields = new Set<string>();
  let last = 0;
  for (const { inner, text, start, end } of readBrackets(source)) {
    if (start > last) parts.push({ literal: source.slice(last, start) });
    const insert = parseInsert(source, inner, text);
    for (const from of insert.from) {
      if ('capture' in from) names.add(from.capture);
      else fields.add(from.field.join('.'));
    }
    parts.push({ insert });
    last = end;
  }
  if (last < source.length) parts.push({ literal: source.slice(last) });
  const rest = parts.map((p) => ('literal' in p ? p.literal : '')).join('');
  if (/[[\]]/.test(rest)) throw new TemplateError(`"${source}" has an unbalanced [ or ]`);
  return { source, parts, names: [...names], fields: [...fields], inserts: parts.some((p) => 'insert' in p) };
}

function parseInsert(source: string, inner: string, text: string): Insert {
  const from = inner.split('??').map((choice): InsertSource => {
    const [raw = '', ...transformNames] = choice.split('|').map((x) => x.trim());
    const transforms = transformNames.map((t) => {
      if (!(TRANSFORMS as readonly string[]).includes(t))
        throw new TemplateError(`"${source}": "${text}" names the transform "${t}"; the transforms are ${TRANSFORMS.join(', ')}`);
      return t as Transform;
    });
    const field = FIELD.exec(raw);
    if (field) return { field: (field[1] ?? '').split('.'), transforms };
    if (CAPTURE_NAME.test(raw) && raw !== 'fm') return { capture: raw, transforms };
    if (raw === '') throw new TemplateError(`"${source}": "${text}" has an empty choice; write [name], [fm.field] or [fm.field ?? name]`);
    if (raw === 'fm' || raw.startsWith('fm.'))
      throw new TemplateError(
        `"${source}": "${text}": a front-matter field is written fm.key (letters, digits, _ and -; dots between keys)`,
      );
    throw new TemplateError(`"${source}": "${text}" is not a capture; write [name], [...name] or [[...name]]`);
  });
  return { text, from };
}

/** The template with capture values filled in: for templates that use no front-matter field. */
export function renderTemplate(template: Template, values: Record<string, string>): string {
  let out = '';
  for (const p of template.parts) {
    if ('literal' in p) out += p.literal;
    else out += captureOf(p.insert, values);
  }
  return out;
}

function captureOf(insert: Insert, values: Record<string, string>): string {
  for (const from of insert.from) if ('capture' in from) return transformed(from.transforms, values[from.capture] ?? '');
  return '';
}

function transformed(transforms: Transform[], value: string): string {
  let v = value;
  for (const t of transforms) v = applyTransform(t, v);
  return v;
}

/** At most this many values from one template for one file: two long lists multiply. */
export const MAX_EXPANSION = 100;

export type Expansion =
  | { values: string[]; total: number }
  /** No value: the first field the template needed and could not have, and why. */
  | { missing: string; why: 'missing' | 'unprintable'; detail?: string };

/**
 * The template with captures and front-matter fields filled in: one value per combination of
 * list items (their product), at most MAX_EXPANSION (`total` says how many there were).
 * `fields` undefined: the file's front matter could not be had; captures still serve as fallbacks.
 */
export function expandTemplate(template: Template, values: Record<string, string>, fields: Record<string, unknown> | undefined): Expansion {
  let results: string[] = [''];
  let total = 1;
  for (const p of template.parts) {
    if ('literal' in p) {
      results = results.map((r) => r + p.literal);
      continue;
    }
    const chosen = choose(p.insert, values, fields);
    if ('missing' in chosen) return chosen;
    const items = chosen.values;
    total *= items.length;
    const next: string[] = [];
    outer: for (const r of results) {
      for (const item of items) {
        if (next.length >= MAX_EXPANSION) break outer;
        next.push(r + item);
      }
    }
    results = next;
  }
  return { values: [...new Set(results)], total };
}

function choose(
  insert: Insert,
  values: Record<string, string>,
  fields: Record<string, unknown> | undefined,
): { values: string[] } | { missing: string; why: 'missing' | 'unprintable'; detail?: string } {
  let first: { missing: string; why: 'missing' | 'unprintable'; detail?: string } | undefined;
  for (const from of insert.from) {
    if ('capture' in from) return { values: [transformed(from.transforms, values[from.capture] ?? '')] };
    const key = `fm.${from.field.join('.')}`;
    const found = fields ? lookupField(fields, from.field) : ({ missing: true } as const);
    if ('values' in found) return { values: found.values.map((v) => transformed(from.transforms, v)) };
    first ??= 'unprintable' in found ? { missing: key, why: 'unprintable', detail: found.unprintable } : { missing: key, why: 'missing' };
  }
  return first ?? { missing: insert.text, why: 'missing' };
}

/**
 * Site paths are compared by exact string in Next.js' cache, so one page must always be named
 * one way: no doubled or trailing slashes, `.` and `..` segments resolved within the path (never
 * above `/`), and an `index` file stands for its folder (`/docs/index` → `/docs`, `/index` →
 * `/`), as in Next.js' own routing. A segment of dots written as `%2e` is a dot segment too, as
 * URL parsers take it (`/a/%2e%2e/b` is `/b`); any other `%2e` stays as it is.
 */
export function normaliseSitePath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    const dots = segment.replace(/%2e/gi, '.');
    if (segment === '' || dots === '.') continue;
    if (dots === '..') segments.pop();
    else segments.push(segment);
  }
  if (segments.at(-1) === 'index') segments.pop();
  return `/${segments.join('/')}`;
}

/** A query or fragment is not part of what a site revalidates: the reason a path with one is refused. */
export function queryOrFragment(path: string): string | undefined {
  const m = /[?#]/.exec(path);
  if (!m) return undefined;
  return `holds a "${m[0]}": a ${m[0] === '?' ? 'query' : 'fragment'} is not part of a site path, and the site would not revalidate the page it names`;
}
