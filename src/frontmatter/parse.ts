/**
 * Front matter, read from the start of a file: YAML between `---` lines, TOML between `+++`
 * lines, or a JSON object as Hugo accepts it (the file starts with `{`). Only the front matter is
 * parsed, never the body, and code is never run: a `---js` / `---javascript` block (gray-matter's
 * executable front matter) is refused like broken front matter. Pure: bytes in, values out.
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import { parseDocument } from 'yaml';

import type { FrontMatter } from '../types.js';

export type { FrontMatter } from '../types.js';

/** The first this many bytes of a file are read: front matter sits at the top, and far smaller. */
export const FRONT_MATTER_CAP = 1024 * 1024;

/** The `yaml` library's own default: plenty for anchors that are reused, far below a bomb. */
const MAX_ALIASES = 100;

const DECODER = new TextDecoder('utf-8', { fatal: false });
/** A line that closes front matter, per fence. */
const CLOSING: Record<string, RegExp> = { '---': /^---[ \t]*\r?$/m, '+++': /^\+\+\+[ \t]*\r?$/m };

/** gray-matter's languages that are code: run by it, never by us. */
const CODE_LANGUAGES = new Set(['js', 'javascript', 'coffee', 'coffeescript', 'cson', 'ts', 'typescript']);

/**
 * @param bytes    the start of the file (at most FRONT_MATTER_CAP bytes)
 * @param complete whether `bytes` is the whole file (false when the read stopped at the cap)
 * @param seen     front matter already parsed, by its text: a file edited below its front matter
 *                 has the same front matter at both sides, and is parsed once (parsing YAML is
 *                 most of the time a front-matter run takes; bench/README.md)
 */
export function parseFrontMatter(bytes: Uint8Array, complete = true, seen?: Map<string, FrontMatter>): FrontMatter {
  const once = (key: string, parse: () => FrontMatter): FrontMatter => {
    if (!seen) return parse();
    let found = seen.get(key);
    if (!found) seen.set(key, (found = parse()));
    return found;
  };
  let text = DECODER.decode(bytes);
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const firstLine = /^([^\r\n]*)(\r?\n|$)/.exec(text);
  const opening = (firstLine?.[1] ?? '').trimEnd();
  const yaml = /^---([A-Za-z]*)$/.exec(opening);
  if (yaml) {
    const language = (yaml[1] ?? '').toLowerCase();
    if (CODE_LANGUAGES.has(language))
      return broken(1, `front matter in ${language} is code, and code is never run: write it as YAML, TOML or JSON`);
    const delimited = between(text, '---', firstLine?.[0].length ?? 0, complete);
    if ('result' in delimited) return delimited.result;
    const body = delimited.body;
    if (language === '' || language === 'yaml' || language === 'yml') return once(`yaml\0${body}`, () => parseYaml(body));
    if (language === 'toml') return once(`toml\0${body}`, () => parseTomlBody(body));
    if (language === 'json') return once(`json\0${body}`, () => parseJsonBody(body, 2));
    return broken(1, `front matter in "${language}" is not read: write it as YAML, TOML or JSON`);
  }
  if (opening === '+++') {
    const delimited = between(text, '+++', firstLine?.[0].length ?? 0, complete);
    if ('result' in delimited) return delimited.result;
    const body = delimited.body;
    return once(`toml\0${body}`, () => parseTomlBody(body));
  }
  if (text.startsWith('{')) {
    const end = jsonObjectEnd(text);
    if (end === undefined) {
      if (!complete) return unclosed('the JSON object');
      return broken(1, 'the JSON front matter has no closing }');
    }
    const json = text.slice(0, end);
    return once(`{\0${json}`, () => parseJsonBody(json, 1));
  }
  return { kind: 'none' };
}

/**
 * The part of a file's start that its front matter is in, for a source to keep (`KeepPart`):
 * up to the line that closes it; nothing when the file has none; all of it when it does not
 * close there (the parse then says so) or is JSON (whose end only the parse finds).
 */
export function frontMatterPart(start: Uint8Array): Uint8Array {
  const bytes = Buffer.from(start.buffer, start.byteOffset, start.byteLength);
  const from = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const first = bytes[from];
  if (first === 0x7b) return start; // {
  if (first !== 0x2d && first !== 0x2b) return start.subarray(0, 0); // - +
  const fence = first === 0x2d ? '---' : '+++';
  if (bytes.toString('latin1', from, from + 3) !== fence) return start.subarray(0, 0);
  let at = bytes.indexOf(`\n${fence}`, from + 3, 'latin1');
  while (at !== -1) {
    const lineEnd = bytes.indexOf(0x0a, at + 4);
    const rest = bytes.toString('latin1', at + 4, lineEnd === -1 ? bytes.length : lineEnd);
    if (/^[ \t]*\r?$/.test(rest)) return start.subarray(0, lineEnd === -1 ? bytes.length : lineEnd + 1);
    at = bytes.indexOf(`\n${fence}`, at + 1, 'latin1');
  }
  return start;
}

function broken(line: number, why: string): FrontMatter {
  return { kind: 'broken', problem: `line ${line}: ${why}` };
}

function unclosed(what: string): FrontMatter {
  return {
    kind: 'unread',
    reason: `${what} does not close within the first ${FRONT_MATTER_CAP / (1024 * 1024)} MiB, which is all that is read`,
  };
}

/** The text between the opening line and the next line that is `fence` alone. */
function between(text: string, fence: string, start: number, complete: boolean): { body: string } | { result: FrontMatter } {
  const rest = text.slice(start);
  const m = CLOSING[fence]?.exec(rest);
  if (!m) {
    if (!complete) return { result: unclosed(`the front matter opened by ${fence}`) };
    return { result: broken(1, `the front matter opened by ${fence} has no closing ${fence} line`) };
  }
  return { body: rest.slice(0, m.index) };
}

/** Line numbers below are the file's: the body starts on line 2, after the opening fence. */
function parseYaml(body: string): FrontMatter {
  const doc = parseDocument(body, { merge: true, intAsBigInt: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) return broken((error.linePos?.[0].line ?? 1) + 1, `the YAML does not parse: ${firstLineOf(error.message)}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    return broken(2, `the YAML does not resolve: ${firstLineOf(e instanceof Error ? e.message : String(e))}`);
  }
  return fieldsOf(value, 'YAML');
}

function parseTomlBody(body: string): FrontMatter {
  let value: unknown;
  try {
    value = parseToml(body, { integersAsBigInt: 'asNeeded' });
  } catch (e) {
    if (e instanceof TomlError)
      return broken(e.line + 1, `the TOML does not parse: ${firstLineOf(e.message.replace(/^Invalid TOML document: /, ''))}`);
    throw e;
  }
  return fieldsOf(value, 'TOML');
}

/** `firstLine`: the file's line the JSON text starts on. */
function parseJsonBody(json: string, firstLine: number): FrontMatter {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // JSON.parse often names no position; the YAML parser, held to JSON's schema, names the line.
    const position = /position (\d+)/.exec(message);
    const line = position
      ? json.slice(0, Number(position[1])).split('\n').length
      : (parseDocument(json, { schema: 'json' }).errors[0]?.linePos?.[0].line ?? 1);
    return broken(firstLine + line - 1, `the JSON does not parse: ${firstLineOf(message)}`);
  }
  return fieldsOf(value, 'JSON');
}

function fieldsOf(value: unknown, format: string): FrontMatter {
  if (value === null || value === undefined) return { kind: 'fields', fields: {} };
  if (typeof value !== 'object' || Array.isArray(value))
    return broken(2, `the ${format} front matter is ${Array.isArray(value) ? 'a list' : 'a single value'}, not a map of fields`);
  return { kind: 'fields', fields: value as Record<string, unknown> };
}

function firstLineOf(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}

/**
 * Where the JSON object that starts `text` ends (just past its `}`), as Hugo's lexer finds it:
 * braces counted outside strings, escapes inside them skipped. Undefined when it never closes.
 */
function jsonObjectEnd(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return undefined;
}
