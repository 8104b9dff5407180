/**
 * Front-matter values as a template inserts them: a dotted key looked up (`fm.author.id`), lists
 * expanded (one value per item; a key after a list reaches into each item), and every value
 * written as the site would print it: text as it is, numbers and booleans as JavaScript writes
 * them, a date as it was written (`2024-03-01`, never a JavaScript date string). Pure.
 */
import slugifyText from '@sindresorhus/slugify';

export type Transform = 'lower' | 'slugify';
export const TRANSFORMS: readonly Transform[] = ['lower', 'slugify'];

/**
 * `slugify` follows Eleventy's `slugify` filter exactly: the same library (@sindresorhus/slugify,
 * the major version Eleventy depends on) with the one option Eleventy sets (`decamelize: false`).
 * `My_Post Title` → `my-post-title`, `Déjà Vu!` → `deja-vu`, `I ♥ Dogs` → `i-love-dogs`.
 */
export function applyTransform(name: Transform, value: string): string {
  return name === 'lower' ? value.toLowerCase() : slugifyText(value, { decamelize: false });
}

/** What a key found: the printable values, or why it gives none. */
export type Lookup = { values: string[] } | { missing: true } | { unprintable: string };

/** Looks `key` (split at its dots) up in `fields`; empty text, null and empty lists count as missing. */
export function lookupField(fields: Record<string, unknown>, key: string[]): Lookup {
  let current: unknown[] = [fields];
  for (const part of key) {
    const next: unknown[] = [];
    for (const value of current) collect(value, part, next);
    current = next;
  }
  const values: string[] = [];
  for (const leaf of current.flatMap(flatten)) {
    if (leaf === null || leaf === undefined) continue;
    const text = printValue(leaf);
    if (text === undefined) return { unprintable: describe(leaf) };
    if (text !== '') values.push(text);
  }
  return values.length > 0 ? { values } : { missing: true };
}

function collect(value: unknown, part: string, into: unknown[]): void {
  if (Array.isArray(value)) {
    // `fm.authors.0` is the first item; `fm.authors.id` is each item's id.
    if (/^\d+$/.test(part)) into.push(value[Number(part)]);
    else for (const item of value) collect(item, part, into);
    return;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && Object.hasOwn(value, part)) {
    into.push((value as Record<string, unknown>)[part]);
  }
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

/** A value as the site prints it, or undefined for a map (which is not one value). */
export function printValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  // TOML dates (smol-toml's TomlDate) write themselves as they were written: `2024-03-01`.
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

function describe(value: unknown): string {
  return typeof value === 'object' && value !== null ? 'a map of fields' : typeof value;
}
