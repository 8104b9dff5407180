/**
 * Event resolution: from the event name, its payload and the inputs, decide what to compare.
 * Pure: plain values in, a Plan out. Unknown or malformed payloads end in a clear message.
 */
import { z } from 'zod';
import type { ChangedFile } from '../types.js';

export type Plan =
  | { kind: 'diff'; base: string; head: string; description: string; warnings: string[] }
  | { kind: 'explicit'; files: ChangedFile[]; paths: string[]; tags: string[]; description: string; warnings: string[] }
  | { kind: 'nothing'; description: string; warnings: string[] };

export interface PlanInput {
  eventName: string;
  payload: unknown;
  base?: string;
  head?: string;
  /** Whether the inputs name any explicit paths or tags (so "no files" is still work). */
  hasExplicitTargets: boolean;
}

export class EventError extends Error {}

const ZERO_SHA = /^0+$/;
const sha = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/i, 'is not a commit id');

const pushPayload = z.object({
  ref: z.string(),
  before: sha,
  after: sha,
  created: z.boolean().optional(),
  deleted: z.boolean().optional(),
});

const pullRequestPayload = z.object({
  action: z.string(),
  pull_request: z.object({
    number: z.number(),
    merged: z.boolean().nullish(),
    merge_commit_sha: z.string().nullish(),
  }),
});

export const dispatchPayloadSchema = z
  .object({
    paths: z.array(z.string().startsWith('/', 'must start with "/"')).optional(),
    tags: z.array(z.string().min(1)).optional(),
    files: z.array(z.string().min(1)).optional(),
  })
  .passthrough();

export function resolvePlan(input: PlanInput): Plan {
  const { eventName, payload } = input;
  if (input.base !== undefined && input.head !== undefined) {
    return { kind: 'diff', base: input.base, head: input.head, description: `inputs base/head: ${input.base} → ${input.head}`, warnings: [] };
  }
  switch (eventName) {
    case 'push':
      return planPush(payload);
    case 'pull_request':
    case 'pull_request_target':
      return planPullRequest(payload, eventName);
    case 'repository_dispatch':
      return planRepositoryDispatch(payload);
    default:
      return {
        kind: 'explicit',
        files: [],
        paths: [],
        tags: [],
        description: input.hasExplicitTargets
          ? `${eventName || 'this run'}: explicit paths/tags only`
          : `${eventName || 'this run'}: no changed files to compare for this event, and no \`paths\` or \`tags\` given`,
        warnings: [],
      };
  }
}

function planPush(payload: unknown): Plan {
  const parsed = pushPayload.safeParse(payload);
  if (!parsed.success) throw new EventError(`the push event payload is not usable: ${formatZod(parsed.error)}`);
  const p = parsed.data;
  if (p.ref.startsWith('refs/tags/')) {
    return { kind: 'nothing', description: `push of tag ${p.ref.slice('refs/tags/'.length)}: tags do not change content, nothing to revalidate`, warnings: [] };
  }
  if (p.deleted || ZERO_SHA.test(p.after)) {
    return { kind: 'nothing', description: `push deleting ${p.ref}: nothing to revalidate`, warnings: [] };
  }
  if (p.created || ZERO_SHA.test(p.before)) {
    throw new EventError(
      `push creating ${p.ref}: there is no previous commit to compare with; give \`base\` and \`head\` to choose the range`,
    );
  }
  return { kind: 'diff', base: p.before, head: p.after, description: `push to ${p.ref}: ${short(p.before)} → ${short(p.after)}`, warnings: [] };
}

function planPullRequest(payload: unknown, eventName: string): Plan {
  const parsed = pullRequestPayload.safeParse(payload);
  if (!parsed.success) throw new EventError(`the ${eventName} event payload is not usable: ${formatZod(parsed.error)}`);
  const { action, pull_request: pr } = parsed.data;
  if (action !== 'closed') {
    return { kind: 'nothing', description: `pull request #${pr.number} ${action}: only a merged pull request changes the site`, warnings: [] };
  }
  if (!pr.merged || !pr.merge_commit_sha) {
    return { kind: 'nothing', description: `pull request #${pr.number} closed without merging: nothing to revalidate`, warnings: [] };
  }
  const head = pr.merge_commit_sha;
  return { kind: 'diff', base: `${head}^1`, head, description: `pull request #${pr.number} merged as ${short(head)}: compared with its first parent`, warnings: [] };
}

function planRepositoryDispatch(payload: unknown): Plan {
  const clientPayload = z.object({ client_payload: z.unknown().optional() }).safeParse(payload);
  const raw = clientPayload.success ? (clientPayload.data.client_payload ?? {}) : {};
  const parsed = dispatchPayloadSchema.safeParse(raw);
  if (!parsed.success) throw new EventError(`repository_dispatch client_payload: ${formatZod(parsed.error)}`);
  const files: ChangedFile[] = (parsed.data.files ?? []).map((path) => ({ path: path.replace(/^\.?\//, ''), status: 'modified' }));
  return {
    kind: 'explicit',
    files,
    paths: parsed.data.paths ?? [],
    tags: parsed.data.tags ?? [],
    description: `repository_dispatch: ${files.length} file(s), ${parsed.data.paths?.length ?? 0} path(s), ${parsed.data.tags?.length ?? 0} tag(s) from client_payload`,
    warnings: [],
  };
}

export function formatZod(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `\`${i.path.join('.')}\` ` : ''}${i.message}`).join('; ');
}

export function short(commit: string): string {
  return /^[0-9a-f]{40,64}$/i.test(commit) ? commit.slice(0, 7) : commit;
}
