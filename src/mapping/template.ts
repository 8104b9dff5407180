/**
 * Templates for site paths and cache tags: literal text with the same brackets as patterns.
 * `[slug]`, `[...slug]` and `[[...slug]]` all insert the captured value; the bracket form is
 * accepted in any combination so users can copy their route folder names as they are.
 */
import { readCaptures } from './brackets.js';

export interface Template {
  source: string;
  parts: Array<{ literal: string } | { capture: string }>;
  /** Names of the captures the template uses. */
  names: string[];
}

export class TemplateError extends Error {}

export function parseTemplate(source: string): Template {
  const parts: Template['parts'] = [];
  const names: string[] = [];
  let last = 0;
  const found = readCaptures(source, (text) => {
    throw new TemplateError(`"${source}": "${text}" is not a capture; write [name], [...name] or [[...name]]`);
  });
  for (const { name, start, end } of found) {
    if (start > last) parts.push({ literal: source.slice(last, start) });
    parts.push({ capture: name });
    names.push(name);
    last = end;
  }
  if (last < source.length) parts.push({ literal: source.slice(last) });
  const rest = parts.map((p) => ('literal' in p ? p.literal : '')).join('');
  if (/[[\]]/.test(rest)) throw new TemplateError(`"${source}" has an unbalanced [ or ]`);
  return { source, parts, names };
}

/**
 * Whether the template puts something from the file into its value (a capture, or any other
 * kind of insertion a template part may hold): such a value names that one file's page, so when
 * the file is gone under that name, the page should be gone too. A template of literal text
 * only (`/blog`) names a page that outlives any one file.
 */
export function insertsFromFile(template: Template): boolean {
  return template.parts.some((p) => !('literal' in p));
}

export function renderTemplate(template: Template, values: Record<string, string>): string {
  return template.parts.map((p) => ('literal' in p ? p.literal : (values[p.capture] ?? ''))).join('');
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
