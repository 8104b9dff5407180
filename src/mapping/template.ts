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

export function renderTemplate(template: Template, values: Record<string, string>): string {
  return template.parts.map((p) => ('literal' in p ? p.literal : (values[p.capture] ?? ''))).join('');
}

/**
 * Site paths are compared by exact string in Next.js' cache, so one page must always be named
 * one way: no doubled or trailing slashes, and an `index` file stands for its folder
 * (`/docs/index` → `/docs`, `/index` → `/`), as in Next.js' own routing.
 */
export function normaliseSitePath(path: string): string {
  let p = path.replace(/\/{2,}/g, '/');
  p = p.replace(/\/index$/, '');
  if (p.length > 1) p = p.replace(/\/+$/, '');
  return p === '' ? '/' : p;
}
