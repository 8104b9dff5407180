/**
 * Applies compiled rules to changed files: every rule that matches a file applies, targets are
 * deduplicated, deleted files are mapped (their pages must now 404) and renames map both names.
 */
import { ACTION_NAMES, type Names } from '../inputs.js';
import { controlCharacter } from '../text.js';
import type { ChangedFile, RejectedTarget, Target, TargetRef, TargetType } from '../types.js';
import { MappingError, type Rule } from './rules.js';
import { insertsFromFile, normaliseSitePath, queryOrFragment, renderTemplate } from './template.js';

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

export function mapChanges(rules: Rule[], files: ChangedFile[], extra: ExtraTargets = { paths: [], tags: [] }): MappingResult {
  const found = new Map<string, { type: TargetType; value: string; sources: Set<string>; inputs: Set<'paths' | 'tags'> }>();
  // Verification's expectation: which paths only ever came from a file's old name through a
  // template inserting from it (their page should be gone), and which from anything else.
  const gone = new Set<string>();
  const kept = new Set<string>();
  const add = (type: TargetType, value: string, from: { file: string; goneSide?: boolean } | { input: 'paths' | 'tags' }) => {
    const key = `${type}:${value}`;
    let entry = found.get(key);
    if (!entry) {
      entry = { type, value, sources: new Set(), inputs: new Set() };
      found.set(key, entry);
    }
    if ('file' in from) entry.sources.add(from.file);
    else entry.inputs.add(from.input);
    if (type === 'path') ('goneSide' in from && from.goneSide ? gone : kept).add(key);
    return key;
  };
  const pathsLabel = (extra.names ?? ACTION_NAMES).input('paths');
  const tagsLabel = (extra.names ?? ACTION_NAMES).input('tags');
  const unmatched: string[] = [];
  const perFile: FileTargets[] = [];
  const problems: string[] = [];
  const byRule = new Map<string, Set<string>>();
  const count = (where: string, key: string) => {
    let keys = byRule.get(where);
    if (!keys) byRule.set(where, (keys = new Set()));
    keys.add(key);
    return key;
  };
  // Captured values go in exactly as the file name has them, spaces at their ends included, in
  // paths and tags alike: the site derives its own routes and tags from the same names.
  const sitePath = (raw: string, where: string, source: string) => {
    const query = queryOrFragment(raw);
    if (query)
      problems.push(`${where} maps ${source} to the path "${raw}", which ${query}; rename the file or leave it out with \`exclude\``);
    return normaliseSitePath(raw);
  };
  for (const file of files) {
    // A rename or copy feeds pages under its new name; a rename also empties the old one.
    const names = file.previousPath && file.status === 'renamed' ? [file.previousPath, file.path] : [file.path];
    const keys = new Set<string>();
    for (const name of names) {
      // The name the file no longer has: a deleted file's, or a renamed file's old one.
      const oldSide = file.status === 'deleted' || (file.status === 'renamed' && name !== file.path);
      for (const rule of rules) {
        const values = matchRule(rule, name);
        if (!values) continue;
        for (const t of rule.paths) {
          const from = { file: name, goneSide: oldSide && insertsFromFile(t) };
          keys.add(count(rule.where, add('path', sitePath(renderTemplate(t, values), rule.where, name), from)));
        }
        for (const t of rule.tags) {
          const tag = renderTemplate(t, values);
          if (tag !== '') keys.add(count(rule.where, add('tag', tag, { file: name })));
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
    const target: Target = { type: entry.type, value: entry.value, sources: [...entry.sources].sort() };
    if (entry.inputs.size > 0) target.inputs = [...entry.inputs].sort();
    const key = `${entry.type}:${entry.value}`;
    if (gone.has(key) && !kept.has(key)) target.goneWithFile = true;
    const reason = rejectionReason(target);
    if (reason) rejected.push({ ...target, reason });
    else targets.push(target);
  }
  const perRule = [...byRule].map(([where, keys]) => ({ where, targets: keys.size })).sort((a, b) => b.targets - a.targets);
  return { targets: sortTargets(targets), rejected: sortTargets(rejected), unmatched, perFile, perRule };
}

function matchRule(rule: Rule, path: string): Record<string, string> | undefined {
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
