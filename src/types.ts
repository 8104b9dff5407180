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

export interface Target {
  type: TargetType;
  value: string;
  /** The changed files that produced the target. */
  sources: string[];
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
  /** With several endpoints (input `endpoints`): the one this delivery went to, as shown (no credentials, no query). */
  endpoint?: string;
}
