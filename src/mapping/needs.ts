/**
 * Which files' front matter the mapping needs, and at which side of the change: exactly the
 * names that a rule using `fm.` matches. A mapping without `fm.` needs none, and costs nothing:
 * no file is read. Pure.
 */
import type { ChangedFile, Side } from '../types.js';
import { matchRule, namesOf } from './apply.js';
import type { Rule } from './rules.js';

export type FrontMatterNeeds = Record<Side, string[]>;

export function usesFrontMatter(rule: Rule): boolean {
  return rule.paths.some((t) => t.fields.length > 0) || rule.tags.some((t) => t.fields.length > 0);
}

export function frontMatterNeeds(rules: Rule[], files: ChangedFile[]): FrontMatterNeeds {
  const reading = rules.filter(usesFrontMatter);
  const needs = { base: new Set<string>(), head: new Set<string>() };
  if (reading.length > 0) {
    for (const file of files) {
      for (const { name, sides } of namesOf(file)) {
        if (!reading.some((rule) => matchRule(rule, name))) continue;
        for (const side of sides) needs[side].add(name);
      }
    }
  }
  return { base: [...needs.base], head: [...needs.head] };
}
