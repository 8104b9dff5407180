/** Runs the change stage in-process: event payload → Plan → ChangeSet, with the log kept. */
import { collectChanges, type CollectOptions } from '../../src/changes/collect.js';
import { resolvePlan } from '../../src/changes/event.js';
import type { ChangeSet, ChangedFile } from '../../src/types.js';

export interface Collected {
  changes: ChangeSet;
  log: string[];
  warnings: string[];
}

export async function collectFor(
  event: { name: string; payload: unknown; base?: string; head?: string },
  options: { workspace: string; diffSource?: CollectOptions['diffSource']; api?: CollectOptions['api'] },
): Promise<Collected> {
  const log: string[] = [];
  const plan = resolvePlan({
    eventName: event.name,
    payload: event.payload,
    base: event.base,
    head: event.head,
    hasExplicitTargets: false,
  });
  const { changes, warnings } = await collectChanges(plan, {
    workspace: options.workspace,
    diffSource: options.diffSource ?? 'git',
    log: (l) => log.push(l),
    api: options.api,
  });
  return { changes, log, warnings };
}

export function pushPayload(before: string, after: string, extra: Record<string, unknown> = {}) {
  return {
    ref: 'refs/heads/main',
    before,
    after,
    created: false,
    deleted: false,
    forced: false,
    repository: { default_branch: 'main' },
    ...extra,
  };
}

/** `status path` lines, sorted: easy to read in a failing assertion. */
export function lines(files: ChangedFile[]): string[] {
  return files.map((f) => `${f.status} ${f.previousPath ? `${f.previousPath} -> ` : ''}${f.path}`).sort();
}

/**
 * A change set with renames spelled out: the old name deleted, the new name added. git detects
 * renames, the trees fallback cannot; both names are mapped either way, so this is the form in
 * which two sources must agree.
 */
export function touched(files: ChangedFile[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    if ((f.status === 'renamed' || f.status === 'copied') && f.previousPath) {
      if (f.status === 'renamed') out.add(`deleted ${f.previousPath}`);
      out.add(`added ${f.path}`);
    } else out.add(`${f.status} ${f.path}`);
  }
  return [...out].sort();
}
