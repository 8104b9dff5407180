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
  /**
   * A path that came only from the old side of deleted or renamed files, through templates that
   * insert something from the file: the page it names should now be gone (verify expects 404 or 410).
   */
  goneWithFile?: true;
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
  /** With several endpoints (input `endpoints`): the one this delivery went to, as shown (no credentials, no query). */
  endpoint?: string;
}

// --- verification: what the site serves at each revalidated path after delivery ---

/** What a revalidated path should now answer: the page (200), or gone (404/410, or a redirect away). */
export type Expectation = 'served' | 'gone';

/**
 * How a visit ended. `fresh`: the expected status, and the headers say it is a copy made after
 * the revalidation. `unconfirmed`: the expected status, but nothing tells whether the copy is new
 * (not a failure). `stale`: still an old copy at the bound. `wrong-status`: 5xx, a redirect to
 * another origin, 200 where the page should be gone, 404 where it should be served. `error`: no
 * answer (network error or timeout) after the retries.
 */
export type CheckResult = 'fresh' | 'unconfirmed' | 'stale' | 'wrong-status' | 'error';

export interface PathCheck {
  path: string;
  expected: Expectation;
  result: CheckResult;
  /** HTTP status of the last answer, when one came. */
  status?: number;
  /** What the headers (or the failure) said, one line, free of secrets. */
  evidence: string;
  /** GETs made for this path after delivery (the snapshot before it not counted). */
  attempts: number;
  ms: number;
}

export interface Verification {
  mode: 'fail' | 'warn';
  /** Where the paths were visited: origin and path prefix. */
  site: string;
  checks: PathCheck[];
  /** Tags have no address: the paths from the same changed files that were visited in their stead. */
  standIns: Array<{ tag: string; paths: string[] }>;
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
