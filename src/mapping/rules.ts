/**
 * Reads the `mapping` (YAML or JSON) into compiled rules. Every configuration mistake is found
 * here, before anything is sent, and reported with the rule number and line it sits on.
 */
import { isMap, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml';
import { z } from 'zod';
import { compilePattern, PatternError, type CompiledPattern } from './pattern.js';
import { parseTemplate, queryOrFragment, TemplateError, type Template } from './template.js';

export interface Rule {
  /** 1-based, as users count. */
  number: number;
  line: number;
  /** "input `mapping`, rule 2 (line 4)": where the rule is, for messages. */
  where: string;
  files: CompiledPattern[];
  exclude: CompiledPattern[];
  paths: Template[];
  tags: Template[];
}

export interface ParsedMapping {
  rules: Rule[];
  warnings: string[];
}

export class MappingError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems in the mapping:\n- ${problems.join('\n- ')}`);
    this.name = 'MappingError';
  }
}

const KEYS = ['files', 'exclude', 'paths', 'tags'] as const;

/**
 * Rules are a few kilobytes; 1 MiB is far past any real mapping. Without a cap a 5 MB mapping
 * took 10 s and 600 MB to parse, a 10 MB one 1.8 GB.
 */
export const MAX_RULES_BYTES = 1024 * 1024;

/** The `yaml` library's own default: plenty for anchors that are reused, far below a bomb. */
const MAX_ALIASES = 100;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${bytes} bytes`;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v).trim());
const oneOrMany = z
  .union([scalar, z.array(scalar)])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .refine((list) => list.length > 0, 'is an empty list')
  .refine((list) => list.every((s) => s !== ''), 'holds an empty value');

const ruleSchema = z
  .strictObject({
    files: oneOrMany,
    exclude: oneOrMany.optional(),
    paths: oneOrMany.optional(),
    tags: oneOrMany.optional(),
  })
  .refine((r) => r.paths !== undefined || r.tags !== undefined, {
    message: 'has neither `paths` nor `tags`: say what the matched files feed',
  });

/**
 * @param text   the mapping as the user wrote it
 * @param origin where it came from, for messages: "input `mapping`" or "mapping-file `x.yml`"
 */
export function parseMapping(text: string, origin: string): ParsedMapping {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_RULES_BYTES)
    throw new MappingError([`${origin} is ${formatBytes(size)}; the rules may be at most ${formatBytes(MAX_RULES_BYTES)}`]);
  const lineCounter = new LineCounter();
  // `merge`: `<<: *defaults` as users write it. `resolveKnownTags: false`: `!!binary`,
  // `!!set`, `!!timestamp` and the like are refused below with the custom tags, not decoded.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, merge: true, resolveKnownTags: false });
  const lines = text.split(/\r?\n/);
  if (doc.errors.length > 0) {
    const problems = doc.errors.slice(0, 1).map((e) => {
      const line = e.linePos?.[0].line ?? 1;
      const message = e.message.split('\n')[0] ?? e.message;
      return `${origin}, line ${line}: YAML syntax error: ${message}${bracketHint(lines[line - 1])}`;
    });
    throw new MappingError(problems);
  }
  // A tag the schema does not know (`!!js/function`, `!foo`) would otherwise be read as the
  // plain text after it: a rule that means something other than what was written.
  const tags = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tags.length > 0) {
    throw new MappingError(
      tags.map((w) => {
        const tag = (/^Unresolved tag: (\S+)/.exec(w.message)?.[1] ?? 'tag').replace(/^tag:yaml\.org,2002:/, '!!');
        return `${origin}, line ${w.linePos?.[0].line ?? 1}: the YAML tag ${tag} is not allowed: rules are plain text, lists and maps; remove the tag`;
      }),
    );
  }
  const contents = doc.contents;
  if (contents === null) return { rules: [], warnings: [`${origin} holds no rules`] };
  if (!isSeq(contents)) {
    const line = lineOf(contents, lineCounter);
    throw new MappingError([`${origin}, line ${line}: the mapping must be a list of rules, each starting with "- files:"`]);
  }
  let values: unknown[];
  try {
    // Anchors and aliases (`files: *blog`) are resolved here, and counted: an alias that
    // expands into aliases (a "billion laughs" bomb) stops at MAX_ALIASES instead of filling memory.
    values = doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown[];
  } catch (e) {
    const unresolved = e instanceof ReferenceError ? /^Unresolved alias.*: (.*)$/.exec(e.message)?.[1] : undefined;
    if (unresolved !== undefined) {
      let line = 1;
      visit(doc, {
        Alias(_, node) {
          if (node.source !== unresolved) return undefined;
          line = lineOf(node, lineCounter);
          return visit.BREAK;
        },
      });
      throw new MappingError([`${origin}, line ${line}: the alias *${unresolved} has no anchor &${unresolved} before it`]);
    }
    if (e instanceof ReferenceError) {
      throw new MappingError([
        `${origin}: YAML aliases (*name) expand past the limit of ${MAX_ALIASES}, as an alias bomb does; write the values out instead of nesting aliases in aliases`,
      ]);
    }
    throw e;
  }
  const problems: string[] = [];
  const warnings: string[] = [];
  const rules: Rule[] = [];
  contents.items.forEach((item, i) => {
    const number = i + 1;
    const line = lineOf(item as Node, lineCounter);
    const where = `${origin}, rule ${number} (line ${line})`;
    const raw = values[i];
    const parsed = ruleSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const issueLine = lineOfKey(item, issue.path, lineCounter) ?? line;
        problems.push(`${where}: ${describeIssue(issue, raw)}${bracketHint(lines[issueLine - 1])}`);
      }
      return;
    }
    const compiled = compileRule(parsed.data, number, line, where);
    problems.push(...compiled.problems);
    warnings.push(...compiled.warnings);
    if (compiled.rule) rules.push(compiled.rule);
  });
  if (problems.length > 0) throw new MappingError(problems);
  return { rules, warnings };
}

/** A rule compiled, or what is wrong with it; and warnings either way. */
type Compiled = { rule?: Rule; problems: string[]; warnings: string[] };

function compileRule(data: z.infer<typeof ruleSchema>, number: number, line: number, where: string): Compiled {
  const files = compilePatterns(data.files, 'files', where);
  const exclude = compilePatterns(data.exclude, 'exclude', where);
  const paths = compileTemplates(data.paths, 'paths', where);
  const tags = compileTemplates(data.tags, 'tags', where);
  const templates = [...paths.compiled, ...tags.compiled];
  const problems = [
    ...files.problems,
    ...exclude.problems,
    ...paths.problems,
    ...tags.problems,
    ...missingCaptures(templates, files.compiled, where),
  ];
  const warnings = literalCaptureNames(paths.compiled, tags.compiled, files.compiled, where);
  if (problems.length > 0) return { problems, warnings };
  return {
    rule: { number, line, where, files: files.compiled, exclude: exclude.compiled, paths: paths.compiled, tags: tags.compiled },
    problems,
    warnings,
  };
}

function compilePatterns(patterns: string[] | undefined, key: string, where: string): { compiled: CompiledPattern[]; problems: string[] } {
  const compiled: CompiledPattern[] = [];
  const problems: string[] = [];
  for (const p of patterns ?? []) {
    try {
      compiled.push(compilePattern(p));
    } catch (e) {
      if (!(e instanceof PatternError)) throw e;
      problems.push(`${where}: ${key}: ${e.message}`);
    }
  }
  return { compiled, problems };
}

function compileTemplates(
  sources: string[] | undefined,
  key: 'paths' | 'tags',
  where: string,
): { compiled: Template[]; problems: string[] } {
  const compiled: Template[] = [];
  const problems: string[] = [];
  for (const s of sources ?? []) {
    try {
      compiled.push(parseTemplate(s));
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      problems.push(`${where}: ${key}: ${e.message}`);
      continue;
    }
    if (key === 'paths' && !s.startsWith('/'))
      problems.push(`${where}: paths: "${s}" must start with "/" (a site path such as "/blog/[slug]")`);
    // Only the literal text: `??` inside a bracket is a fallback, and inserted values are checked once known.
    const literal = (compiled.at(-1)?.parts ?? []).map((p) => ('literal' in p ? p.literal : '')).join('');
    const query = key === 'paths' ? queryOrFragment(literal) : undefined;
    if (query) problems.push(`${where}: paths: "${s}" ${query}`);
  }
  return { compiled, problems };
}

/** A template naming a capture that one of the rule's patterns lacks: caught before anything is sent. */
function missingCaptures(templates: Template[], files: CompiledPattern[], where: string): string[] {
  const problems: string[] = [];
  for (const t of templates) {
    for (const name of t.names) {
      for (const f of files) {
        if (f.captures.some((c) => c.name === name)) continue;
        const has = f.captures.length ? `it captures ${f.captures.map((c) => `[${c.name}]`).join(', ')}` : 'it captures nothing';
        problems.push(`${where}: "${t.source}" uses [${name}], but the pattern "${f.source}" has no capture named "${name}" (${has})`);
      }
    }
  }
  return problems;
}

/** `tags: [slug]` is valid YAML for the literal tag "slug": almost always a forgotten quote. */
function literalCaptureNames(paths: Template[], tags: Template[], files: CompiledPattern[], where: string): string[] {
  const captureNames = new Set(files.flatMap((f) => f.captures.map((c) => c.name)));
  const warnings: string[] = [];
  for (const [key, list] of [
    ['paths', paths],
    ['tags', tags],
  ] as const) {
    for (const t of list) {
      const bare = t.source.replace(/^\//, '');
      if (!t.inserts && captureNames.has(bare)) {
        warnings.push(
          `${where}: ${key} "${t.source}" is literal text; did you mean "${key === 'paths' ? '/' : ''}[${bare}]" (quoted inside a [ ] list)?`,
        );
      }
    }
  }
  return warnings;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const key = issue.path.length ? `\`${formatPath(issue.path)}\`` : 'the rule';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((k) => {
        const near = KEYS.find((known) => known.startsWith(k) || k.startsWith(known));
        return `unknown key \`${k}\`${near ? ` (did you mean \`${near}\`?)` : ''}; a rule has ${KEYS.map((x) => `\`${x}\``).join(', ')}`;
      })
      .join('; ');
  }
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') {
    if (issue.path.length === 0) return 'a rule must be a mapping of keys such as `files:` and `paths:`';
    const missing =
      issue.path.length === 1 &&
      typeof raw === 'object' &&
      raw !== null &&
      (raw as Record<string, unknown>)[String(issue.path[0])] === undefined;
    if (missing && issue.path[0] === 'files') return '`files` is missing: say which files the rule is about';
    return `${key} must be text or a list of text`;
  }
  return `${key} ${issue.message}`;
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function lineOf(node: Node | null | undefined, counter: LineCounter): number {
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : counter.linePos(offset).line;
}

function lineOfKey(item: unknown, path: PropertyKey[], counter: LineCounter): number | undefined {
  if (!isMap(item) || path.length === 0) return undefined;
  const pair = item.items.find((p) => (p.key as { value?: unknown } | null)?.value === path[0]);
  const value = pair?.value as Node | null | undefined;
  if (!value) return lineOf(pair?.key as Node, counter);
  return lineOf(value, counter);
}

/**
 * Inside a YAML flow list (`[a, b]`) a plain value cannot hold `[ ] { } ,` — the brackets of
 * our templates. When the offending line has such a list, show it with the items quoted.
 */
export function bracketHint(line: string | undefined): string {
  if (!line) return '';
  const m = /^(\s*(?:-\s+)?[\w-]+\s*:\s*)\[(.*)\]\s*(#.*)?$/.exec(line);
  if (!m || !/[[\]{}]/.test(m[2] ?? '')) return '';
  const items = splitFlowItems(m[2] ?? '').map((item) => {
    const t = item.trim();
    if (/^(["']).*\1$/.test(t) || !/[[\]{}:,]/.test(t)) return t;
    return JSON.stringify(t);
  });
  return `\n  quote templates inside [ ] lists:\n    ${line.trim()}\n  should be\n    ${(m[1] ?? '').trim()} [${items.join(', ')}]`;
}

function splitFlowItems(inner: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const ch of inner) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth += 1;
    else if (ch === ']' || ch === '}') depth -= 1;
    else if (ch === ',' && depth === 0) {
      items.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') items.push(current);
  return items;
}
