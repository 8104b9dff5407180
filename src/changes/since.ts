/**
 * Widening a range to start where the last successful run left off (`since: last-success`).
 * The rule, the same for every source: the start commit must be an ancestor of the head (else
 * history was rewritten, a force push, and the diff would not be what the site lags by); then
 * the range is start → head, and the event's own range is kept in it too, so a run never covers
 * less than `since: event` would (a file changed and changed back since that run is still
 * revalidated when the event changed it). Whenever the start cannot be had or used, the event's
 * range stands, with a warning that says why and what was covered.
 */
import type { ChangedFile } from '../types.js';
import { short, type Source } from './source.js';

/** Where the range may start: a commit and how to name it ("run #12 (id …)"), or why there is none. */
export type SinceLookup = () => Promise<{ ok: true; commit: string; what: string } | { ok: false; reason: string }>;

export interface EventRange {
  base: string | null;
  head: string;
  files: ChangedFile[];
}

export interface SinceRange {
  base: string | null;
  files: ChangedFile[];
  /** For the description: where the range started, when it was widened. */
  note?: string;
  warning?: string;
}

export async function sinceRange(source: Source, range: EventRange, lookup: SinceLookup, log: (line: string) => void): Promise<SinceRange> {
  const covered = `${range.base ? short(range.base) : 'the empty tree'} → ${short(range.head)}, ${range.files.length} changed file(s)`;
  const fallback = (why: string): SinceRange => ({
    base: range.base,
    files: range.files,
    warning: `since: last-success: ${why}. Revalidated the event's range instead (${covered}); changes that an earlier failed or cancelled run left out are not covered`,
  });
  const start = await lookup();
  if (!start.ok) return fallback(start.reason);
  const at = `${short(start.commit)}, the head commit of ${start.what}`;
  if (range.base !== null && start.commit.toLowerCase() === range.base.toLowerCase()) {
    log(`since: last-success: the last successful run left off where this event starts (${at}): the event's range`);
    return { base: range.base, files: range.files, note: `since the last success, ${start.what}` };
  }
  let ancestor: boolean;
  try {
    ancestor = await source.isAncestor(start.commit, range.head);
  } catch (e) {
    return fallback(`${at} cannot be checked against ${short(range.head)} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!ancestor) {
    return fallback(`${at} is not an ancestor of ${short(range.head)} (history was rewritten since, a force push)`);
  }
  let files: ChangedFile[];
  try {
    files = await source.diff(start.commit, range.head);
  } catch (e) {
    return fallback(`the diff from ${at} cannot be had (${e instanceof Error ? e.message : String(e)})`);
  }
  const extra = eventOnly(files, range.files);
  log(
    `since: last-success: compared from ${at}: ${files.length} changed file(s)` +
      (extra.length > 0 ? `, and ${extra.length} more the event's own range changed (changed and changed back since)` : ''),
  );
  return {
    base: start.commit,
    files: [...files, ...extra],
    note: `since the last success: from ${short(start.commit)}, the head commit of ${start.what}`,
  };
}

/** The event's files that the wider diff does not list (by every path they name). */
function eventOnly(wide: ChangedFile[], event: ChangedFile[]): ChangedFile[] {
  const named = new Set(wide.flatMap((f) => [f.path, ...(f.previousPath ? [f.previousPath] : [])]));
  return event.filter((f) => !named.has(f.path) || (f.previousPath !== undefined && !named.has(f.previousPath)));
}
