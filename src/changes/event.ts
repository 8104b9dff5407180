/**
 * Event resolution: from the event name, its payload and the inputs, decide what to compare.
 * Pure: plain values in, a Plan out. Unknown or malformed payloads end in a clear message.
 * Which commits the range finally resolves to (a merge base, a rebase's first commit) needs a
 * source that can read history, so those cases are described here and settled in collect.ts.
 */
import { z } from 'zod';
import { lazy } from '../lazy.js';
import { clip, controlCharacter, printable } from '../text.js';
import type { ChangedFile } from '../types.js';
import { COMMIT_ID, formatZod, short } from './source.js';

export type Plan =
  /** Tree diff of two commits. `base` may be `<sha>^1` (first parent). */
  | { kind: 'diff'; base: string; head: string; description: string; warnings: string[]; /** The pushed ref (a push). */ ref?: string }
  /** A push that created a branch: no previous commit; collect.ts picks the documented fallback. */
  | { kind: 'new-branch'; ref: string; head: string; defaultBranch?: string | undefined; description: string; warnings: string[] }
  /** A merged pull request: the merge commit against the base branch as it was before the merge. */
  | {
      kind: 'pr-merge';
      number: number;
      merge: string;
      prHead?: string | undefined;
      commits?: number | undefined;
      /** The branch it was merged into. */
      baseRef?: string | undefined;
      description: string;
      warnings: string[];
    }
  | { kind: 'explicit'; files: ChangedFile[]; paths: string[]; tags: string[]; description: string; warnings: string[] }
  | { kind: 'nothing'; description: string; warnings: string[] };

export interface PlanInput {
  eventName: string;
  payload: unknown;
  base?: string | undefined;
  head?: string | undefined;
  /** Whether the inputs name any explicit paths or tags (so "no files" is still work). */
  hasExplicitTargets: boolean;
}

export class EventError extends Error {}

const ZERO_SHA = /^0+$/;
// The payload schemas are built on first use (lazy.ts): a run needs only its own event's.
const sha = lazy(() => z.string().regex(COMMIT_ID, 'is not a commit id (40 or 64 hex digits)'));

// No git ref holds a control character (git check-ref-format): a payload whose ref does is not a real push.
const refName = lazy(() =>
  z
    .string()
    .min(1)
    .refine((v) => controlCharacter(v) === undefined, 'holds a control character, which no git ref does'),
);

const pushPayload = lazy(() =>
  z.object({
    ref: refName(),
    before: sha(),
    after: sha(),
    created: z.boolean().optional(),
    deleted: z.boolean().optional(),
    forced: z.boolean().optional(),
    repository: z.object({ default_branch: refName().optional() }).loose().optional(),
  }),
);

const pullRequestPayload = lazy(() =>
  z.object({
    action: z.string(),
    pull_request: z.object({
      number: z.number(),
      merged: z.boolean().nullish(),
      merge_commit_sha: sha().nullish(),
      commits: z.number().int().nonnegative().optional(),
      head: z.object({ sha: sha().optional() }).loose().optional(),
      base: z.object({ ref: refName().optional() }).loose().optional(),
    }),
  }),
);

/** One value or a list of them: a CMS webhook often sends a single path as a string. */
const oneOrMany = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(item, 'must be a string or a list of strings'));

/** repository_dispatch's `client_payload` (a function: the schema is built on first use). */
export const dispatchPayloadSchema = lazy(() =>
  z
    .object({
      paths: oneOrMany(z.string().trim().startsWith('/', 'must be site paths starting with "/"')).optional(),
      tags: oneOrMany(z.string().trim().min(1, 'must not be empty')).optional(),
      files: oneOrMany(
        z
          .string()
          .trim()
          .min(1, 'must not be empty')
          .refine((f) => !f.startsWith('/'), 'must be paths relative to the repository root (no leading "/")'),
      ).optional(),
    })
    .loose(),
);

export function resolvePlan(input: PlanInput): Plan {
  const { eventName, payload } = input;
  if (input.base !== undefined && input.head !== undefined) {
    return {
      kind: 'diff',
      base: input.base,
      head: input.head,
      description: `inputs base/head: ${short(input.base)} → ${short(input.head)}`,
      warnings: [],
    };
  }
  switch (eventName) {
    case 'push':
      return planPush(payload);
    case 'pull_request':
    case 'pull_request_target':
      return planPullRequest(payload, eventName);
    case 'repository_dispatch':
      return planRepositoryDispatch(payload, input.hasExplicitTargets);
    default:
      return explicitOnly(eventName || 'this run', input.hasExplicitTargets);
  }
}

function explicitOnly(what: string, hasExplicitTargets: boolean): Plan {
  return {
    kind: 'explicit',
    files: [],
    paths: [],
    tags: [],
    description: hasExplicitTargets
      ? `${what}: explicit paths/tags only`
      : `${what}: no changed files to compare for this event, and no \`paths\` or \`tags\` given`,
    warnings: hasExplicitTargets
      ? []
      : [
          `${what}: this event names no commits to compare and no \`paths\`, \`tags\` or \`base\`/\`head\` were given, so there is nothing to revalidate`,
        ],
  };
}

function planPush(payload: unknown): Plan {
  const parsed = pushPayload().safeParse(payload);
  if (!parsed.success) throw new EventError(`the push event payload is not usable: ${formatZod(parsed.error)}`);
  const p = parsed.data;
  if (p.ref.startsWith('refs/tags/')) {
    return {
      kind: 'nothing',
      description: `push of tag ${p.ref.slice('refs/tags/'.length)}: tags do not change content, nothing to revalidate`,
      warnings: [],
    };
  }
  if (p.deleted || ZERO_SHA.test(p.after)) {
    return { kind: 'nothing', description: `push deleting ${p.ref}: nothing to revalidate`, warnings: [] };
  }
  if (p.created || ZERO_SHA.test(p.before)) {
    return {
      kind: 'new-branch',
      ref: p.ref,
      head: p.after,
      defaultBranch: p.repository?.default_branch,
      description: `push creating ${p.ref} at ${short(p.after)}`,
      warnings: [],
    };
  }
  return {
    kind: 'diff',
    base: p.before,
    head: p.after,
    description: `${p.forced ? 'force push' : 'push'} to ${p.ref}: ${short(p.before)} → ${short(p.after)}`,
    warnings: [],
    ref: p.ref,
  };
}

function planPullRequest(payload: unknown, eventName: string): Plan {
  const parsed = pullRequestPayload().safeParse(payload);
  if (!parsed.success) throw new EventError(`the ${eventName} event payload is not usable: ${formatZod(parsed.error)}`);
  const { action, pull_request: pr } = parsed.data;
  if (action !== 'closed') {
    return {
      kind: 'nothing',
      description: `pull request #${pr.number} ${action}: only a merged pull request changes the site, nothing to revalidate`,
      warnings: [],
    };
  }
  if (!pr.merged) {
    return { kind: 'nothing', description: `pull request #${pr.number} closed without merging: nothing to revalidate`, warnings: [] };
  }
  if (!pr.merge_commit_sha)
    throw new EventError(
      `the ${eventName} event payload is not usable: \`pull_request.merge_commit_sha\` is missing on a merged pull request`,
    );
  return {
    kind: 'pr-merge',
    number: pr.number,
    merge: pr.merge_commit_sha,
    prHead: pr.head?.sha,
    commits: pr.commits,
    baseRef: pr.base?.ref,
    description: `pull request #${pr.number} merged as ${short(pr.merge_commit_sha)}`,
    warnings: [],
  };
}

function planRepositoryDispatch(payload: unknown, hasExplicitTargets: boolean): Plan {
  const envelope = z.object({ action: z.string().optional(), client_payload: z.unknown().optional() }).loose().safeParse(payload);
  const raw = envelope.success ? (envelope.data.client_payload ?? {}) : {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new EventError(
      'repository_dispatch `client_payload` must be an object such as {"paths": ["/blog"], "tags": ["posts"], "files": ["content/blog/a.md"]}',
    );
  }
  const parsed = dispatchPayloadSchema().safeParse(raw);
  if (!parsed.success) throw new EventError(`repository_dispatch \`client_payload\`: ${formatZod(parsed.error, 'client_payload')}`);
  const files: ChangedFile[] = [...new Set((parsed.data.files ?? []).map((path) => path.replace(/^(\.\/)+/, '')))].map((path) => ({
    path,
    status: 'modified',
  }));
  const paths = parsed.data.paths ?? [];
  const tags = parsed.data.tags ?? [];
  // The event_type is the sender's free text: shown escaped, and cut when long.
  const what = `repository_dispatch${envelope.success && envelope.data.action ? ` (${printable(clip(envelope.data.action, 200))})` : ''}`;
  if (files.length + paths.length + tags.length === 0)
    return explicitOnly(`${what} with no paths, tags or files in client_payload`, hasExplicitTargets);
  return {
    kind: 'explicit',
    files,
    paths,
    tags,
    description: `${what}: ${files.length} file(s), ${paths.length} path(s), ${tags.length} tag(s) from client_payload`,
    warnings: [],
  };
}
