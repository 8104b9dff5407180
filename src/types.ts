/** Plain values that flow between the stages: event + inputs → ChangeSet → Targets → Deliveries → Report. */

export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed' | 'unmerged' | 'unknown';

export interface ChangedFile {
  /** Path relative to the repository root, forward slashes, exactly as git names it. */
  path: string;
  status: FileStatus;
  /** For renames and copies: the path the file had before. */
  previousPath?: string;
}

export type ChangeSource = 'git' | 'api' | 'explicit' | 'none';

export interface ChangeSet {
  base?: string;
  head?: string;
  files: ChangedFile[];
  /** Where the file list came from. */
  source: ChangeSource;
  /** Site paths and cache tags the event itself names (a `repository_dispatch` payload). */
  paths: string[];
  tags: string[];
  /** One line for the log and summary saying how the range was chosen. */
  description: string;
}

export type TargetType = 'path' | 'tag';

/** Which target, without where it came from. */
export interface TargetRef {
  type: TargetType;
  value: string;
}

/** Which commit of the change a file was taken at: the one before it (`base`) or after it (`head`). */
export type Side = 'base' | 'head';

/**
 * One file and side that produced a target. A deleted file exists only at `base`, an added one
 * only at `head`, a renamed one under its old name at `base` and its new name at `head`, a
 * modified one at both. `inserts`: the template put something from the file into the value (a
 * capture of its name or a front-matter field), so the target is that file's own page, not a
 * shared one such as `/blog`. A target whose every entry is `base` with `inserts` is a page
 * that only the old side of the change named: it should be gone now.
 */
export interface TargetFrom {
  file: string;
  side: Side;
  inserts: boolean;
}

export interface Target {
  type: TargetType;
  value: string;
  /** The changed files that produced the target. */
  sources: string[];
  /** Which file at which side produced it, and through what kind of template (set for targets from files). */
  from?: TargetFrom[];
  /** The inputs that named it (`paths`, `tags`, or the event's own list of them), kept apart from files. */
  inputs?: Array<'paths' | 'tags'>;
}

/** A target that a rule produced but that will not be sent (for example longer than Next.js accepts). */
export interface RejectedTarget extends Target {
  reason: string;
}

export type DeliveryStatus = 'revalidated' | 'failed' | 'skipped' | 'dry-run';

export interface Delivery {
  target: Target;
  status: DeliveryStatus;
  /** HTTP status of the last attempt, when one was received. */
  httpStatus?: number;
  attempts: number;
  /** Wall time spent on this target, all attempts included. */
  ms: number;
  /** Why it failed or was skipped; already free of the secret. */
  error?: string;
  /** What in the replies was not taken at its word (a Retry-After ignored, a reply over the read cap); already free of the secret. */
  notes?: string[];
}

/** What one side of one file holds at its start (src/frontmatter/parse.ts reads it). */
export type FrontMatter =
  | { kind: 'fields'; fields: Record<string, unknown> }
  /** The file starts with no front matter at all. */
  | { kind: 'none' }
  /** It has front matter that does not parse; `problem` says why, starting with the line. */
  | { kind: 'broken'; problem: string }
  /** It was not read (too large before its front matter closed, not a file, binary). */
  | { kind: 'unread'; reason: string };

/** Front matter per file and side, for the mapping: `frontMatterKey(side, path)` → what was read. */
export type FrontMatterIndex = Map<string, FrontMatter>;

export function frontMatterKey(side: Side, path: string): string {
  return `${side}\0${path}`;
}
