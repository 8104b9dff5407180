/**
 * Applies compiled rules to changed files: every rule that matches a file applies, targets are
 * deduplicated, deleted files are mapped (their pages must now 404) and renames map both names.
 */
import { ACTION_NAMES, type Names } from '../inputs.js';
import { controlCharacter } from '../text.js';
import {
  frontMatterKey,
  type ChangedFile,
  type FrontMatter,
  type FrontMatterIndex,
  type RejectedTarget,
  type Side,
  type Target,
  type TargetFrom,
  type TargetRef,
  type TargetType,
} from '../types.js';
import { MappingError, type Rule } from './rules.js';
import { expandTemplate, MAX_EXPANSION, normaliseSitePath, queryOrFragment, renderTemplate, type Template } from './template.js';

/** Next.js refuses longer values (NEXT_CACHE_TAG_MAX_LENGTH and its path limit). */
export const MAX_TAG_LENGTH = 256;
export const MAX_PATH_LENGTH = 1024;

export interface FileTargets {
  file: string;
  status: ChangedFile['status'];
  /** What this file produced, in the order its rules produced it. */
  targets: TargetRef[];
}

export interface MappingResult {
  targets: Target[];
  rejected: RejectedTarget[];
  /** Changed files that no rule matched (counted in the report, not an error). */
  unmatched: string[];
  perFile: FileTargets[];
  /** Distinct targets each rule (or input) produced, most first: what a fan-out came from. */
  perRule: Array<{ where: string; targets: number }>;
  /** Templates that gave some files no value (a front-matter field missing, no fallback), with those files. */
  warnings?: string[];
}

export interface ExtraTargets {
  paths: string[];
  tags: string[];
  /** How the edge names the `paths` and `tags` inputs, for the targets' sources and messages. */
  names?: Names;
}

/** A target's type and value, without its sources. */
function refOf(entry: { type: TargetType; value: string } | undefined): TargetRef {
  if (!entry) throw new Error('a key with no target: a bug in mapChanges');
  return { type: entry.type, value: entry.value };
}

/** The names a changed file is mapped under, each with the sides of the change it exists at. */
export function namesOf(file: ChangedFile): Array<{ name: string; sides: Side[] }> {
  // A rename feeds pages under its new name and empties the old one; a copy leaves its source as it was.
  if (file.status === 'renamed' && file.previousPath)
    return [
      { name: file.previousPath, sides: ['base'] },
      { name: file.path, sides: ['head'] },
    ];
  if (file.status === 'added' || file.status === 'copied') return [{ name: file.path, sides: ['head'] }];
  if (file.status === 'deleted') return [{ name: file.path, sides: ['base'] }];
  return [{ name: file.path, sides: ['base', 'head'] }];
}

export function mapChanges(
  rules: Rule[],
  files: ChangedFile[],
  extra: ExtraTargets = { paths: [], tags: [] },
  frontMatter: FrontMatterIndex = new Map(),
): MappingResult {
  // Which file at which side produced a target, as one number (file × 4 + side × 2 + inserts):
  // a push of 22,000 files makes hundreds of thousands of these, and a string key per one
  // was most of the mapping's time.
  const fileIds = new Map<string, number>();
  const fileNames: string[] = [];
  const fileId = (name: string) => {
    let id = fileIds.get(name);
    if (id === undefined) {
      id = fileNames.length;
      fileNames.push(name);
      fileIds.set(name, id);
    }
    return id;
  };
  const found = new Map<string, { type: TargetType; value: string; from: Set<number>; inputs: Set<'paths' | 'tags'> }>();
  const add = (type: TargetType, value: string, from: { file: number; sides: Side[]; inserts: boolean } | { input: 'paths' | 'tags' }) => {
    const key = `${type}:${value}`;
    let entry = found.get(key);
    if (!entry) {
      entry = { type, value, from: new Set(), inputs: new Set() };
      found.set(key, entry);
    }
    if ('file' in from) {
      for (const side of from.sides) entry.from.add(from.file * 4 + (side === 'head' ? 2 : 0) + (from.inserts ? 1 : 0));
    } else entry.inputs.add(from.input);
    return key;
  };
  const pathsLabel = (extra.names ?? ACTION_NAMES).input('paths');
  const tagsLabel = (extra.names ?? ACTION_NAMES).input('tags');
  const unmatched: string[] = [];
  const perFile: FileTargets[] = [];
  const problems: string[] = [];
  const lacking = new Lacking();
  const byRule = new Map<string, Set<string>>();
  const count = (where: string, key: string) => {
    let keys = byRule.get(where);
    if (!keys) byRule.set(where, (keys = new Set()));
    keys.add(key);
    return key;
  };
  // Captured values go in exactly as the file name has them, spaces at their ends included, in
  // paths and tags alike: the site derives its own routes and tags from the same names.
  const sitePath = (raw: string, where: string, source: string, fromFrontMatter: boolean) => {
    const query = queryOrFragment(raw);
    if (query)
      problems.push(
        `${where} maps ${source} to the path "${raw}", which ${query}; ${fromFrontMatter ? 'change its front matter' : 'rename the file'} or leave it out with \`exclude\``,
      );
    return normaliseSitePath(raw);
  };
  for (const file of files) {
    const keys = new Set<string>();
    for (const { name, sides } of namesOf(file)) {
      let id: number | undefined;
      // Looked up once per name and side, not once per template.
      const fmAt: Partial<Record<Side, FrontMatter | undefined>> = {};
      const fmOf = (side: Side) => (side in fmAt ? fmAt[side] : (fmAt[side] = frontMatter.get(frontMatterKey(side, name))));
      for (const rule of rules) {
        const values = matchRule(rule, name);
        if (!values) continue;
        for (const [type, list] of [
          ['path', rule.paths],
          ['tag', rule.tags],
        ] as const) {
          for (const t of list) {
            const put = (raw: string, from: Side[]) => {
              const value = type === 'path' ? sitePath(raw, rule.where, name, t.fields.length > 0) : raw;
              id ??= fileId(name);
              if (value !== '' || type === 'path')
                keys.add(count(rule.where, add(type, value, { file: id, sides: from, inserts: t.inserts })));
            };
            // A template that reads no field names the same target at every side: rendered once.
            if (t.fields.length === 0) put(renderTemplate(t, values), sides);
            else {
              // Front matter of the same text at both sides was parsed once, into one value
              // (frontmatter/read.ts): the template expands once, for both sides.
              const both = sides.length === 2 ? fmOf('base') : undefined;
              if (both !== undefined && both === fmOf('head'))
                for (const raw of expandFor(t, values, rule, name, sides, both, lacking)) put(raw, sides);
              else
                for (const side of sides) for (const raw of expandFor(t, values, rule, name, [side], fmOf(side), lacking)) put(raw, [side]);
            }
          }
        }
      }
    }
    if (keys.size === 0) unmatched.push(file.path);
    else perFile.push({ file: file.path, status: file.status, targets: [...keys].map((key) => refOf(found.get(key))) });
  }
  for (const p of extra.paths) {
    const query = queryOrFragment(p);
    if (query) problems.push(`${pathsLabel}: "${p}" ${query}`);
    count(pathsLabel, add('path', normaliseSitePath(p), { input: 'paths' }));
  }
  // Found before anything is sent: a configuration error, like any other in the mapping.
  if (problems.length > 0) {
    const unique = [...new Set(problems)];
    throw new MappingError(unique.length > 20 ? [...unique.slice(0, 19), `… and ${unique.length - 19} more like these`] : unique);
  }
  for (const t of extra.tags) count(tagsLabel, add('tag', t, { input: 'tags' }));

  const targets: Target[] = [];
  const rejected: RejectedTarget[] = [];
  for (const entry of found.values()) {
    const from: TargetFrom[] = [...entry.from].map((code) => ({
      file: fileNames[code >> 2] as string,
      side: code & 2 ? 'head' : 'base',
      inserts: (code & 1) === 1,
    }));
    from.sort(byFileAndSide);
    const sources: string[] = [];
    for (const f of from) if (sources.at(-1) !== f.file) sources.push(f.file);
    const target: Target = { type: entry.type, value: entry.value, sources };
    if (from.length > 0) target.from = from;
    if (entry.inputs.size > 0) target.inputs = [...entry.inputs].sort();
    // Verification's expectation: a path that only the old side of files gave, through templates
    // inserting from the file (a capture or a front-matter field), names a page that should be gone.
    if (entry.type === 'path' && entry.inputs.size === 0 && from.length > 0 && from.every((f) => f.side === 'base' && f.inserts))
      target.goneWithFile = true;
    const reason = rejectionReason(target);
    if (reason) rejected.push({ ...target, reason });
    else targets.push(target);
  }
  const perRule = [...byRule].map(([where, keys]) => ({ where, targets: keys.size })).sort((a, b) => b.targets - a.targets);
  return { targets: sortTargets(targets), rejected: sortTargets(rejected), unmatched, perFile, perRule, warnings: lacking.warnings() };
}

function byFileAndSide(a: TargetFrom, b: TargetFrom): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.side < b.side ? -1 : a.side > b.side ? 1 : Number(a.inserts) - Number(b.inserts);
}

/** A template's values for one file at `sides` (which share `fm`); what it lacks is noted, per side. */
function expandFor(
  t: Template,
  values: Record<string, string>,
  rule: Rule,
  name: string,
  sides: Side[],
  fm: FrontMatter | undefined,
  lacking: Lacking,
): string[] {
  const result = expandTemplate(t, values, fm?.kind === 'fields' ? fm.fields : undefined);
  if ('missing' in result) {
    const why =
      fm === undefined || fm.kind === 'unread'
        ? 'its front matter was not read'
        : fm.kind === 'none'
          ? 'it has no front matter'
          : fm.kind === 'broken'
            ? 'its front matter does not parse'
            : result.why === 'unprintable'
              ? `${result.missing} is ${result.detail ?? 'not text'}, not one value (name a field inside it)`
              : `its front matter has no ${result.missing}`;
    for (const side of sides)
      lacking.note(`${rule.where}: "${t.source}" needs ${result.missing} and has no fallback`, `${name} (${side}: ${why})`);
    return [];
  }
  if (result.total > result.values.length && result.total > MAX_EXPANSION)
    for (const side of sides)
      lacking.note(
        `${rule.where}: "${t.source}" expands to more than ${MAX_EXPANSION} values for one file (lists multiply); only the first ${MAX_EXPANSION} are sent`,
        `${name} (${side}: ${result.total})`,
      );
  return result.values;
}

/** Files that gave a template no value, one warning per template and reason, naming the files. */
class Lacking {
  private readonly byMessage = new Map<string, string[]>();
  note(message: string, file: string): void {
    const files = this.byMessage.get(message);
    if (files) files.push(file);
    else this.byMessage.set(message, [file]);
  }
  warnings(): string[] {
    const shown = 5;
    return [...this.byMessage].map(([message, files]) => {
      const list = files.slice(0, shown).join(', ');
      const more = files.length > shown ? ` and ${files.length - shown} more` : '';
      return `${message}: no target from it for ${list}${more}`;
    });
  }
}

export function matchRule(rule: Rule, path: string): Record<string, string> | undefined {
  for (const pattern of rule.files) {
    const values = pattern.match(path);
    if (!values) continue;
    if (rule.exclude.some((e) => e.test(path))) return undefined;
    return values;
  }
  return undefined;
}

function rejectionReason(target: Target): string | undefined {
  // A file name or a payload can hold anything; no page path or cache tag holds a line break or
  // an escape sequence, and sending one could only confuse the site (or whoever reads its logs).
  const control = controlCharacter(target.value);
  if (control) return `${target.type} holds a control character (${control}), which no site path or cache tag contains`;
  if (target.type === 'tag' && target.value.length > MAX_TAG_LENGTH) {
    return `tag is ${target.value.length} characters; Next.js accepts at most ${MAX_TAG_LENGTH}`;
  }
  if (target.type === 'path' && target.value.length > MAX_PATH_LENGTH) {
    return `path is ${target.value.length} characters; Next.js accepts at most ${MAX_PATH_LENGTH}`;
  }
  return undefined;
}

/** A stable order: paths before tags, each alphabetical (by code point, not locale). */
export function sortTargets<T extends Target>(targets: T[]): T[] {
  return [...targets].sort((a, b) =>
    a.type !== b.type ? (a.type === 'path' ? -1 : 1) : a.value < b.value ? -1 : a.value > b.value ? 1 : 0,
  );
}
