/**
 * The verification stage: which delivered paths to visit and what each should answer, the
 * snapshot before delivery, the visits after it, and which paths stood in for the tags (a tag
 * has no address). The engine calls `prepareVerification` before delivery and its `verify`
 * after; visit.ts does the GETs, rules.ts judges them.
 */
import { redactor } from '../delivery/redact.js';
import type { Settings } from '../inputs.js';
import type { FileTargets } from '../mapping/apply.js';
import type { Delivery, PathCheck, Target, Verification } from '../types.js';
import { expectationOf, type Copy } from './rules.js';
import { snapshot, visitAll, type VisitOptions } from './visit.js';

export interface PreparedVerification {
  /** Visits every delivered path; call once delivery is over. */
  verify(deliveries: Delivery[], perFile: FileTargets[]): Promise<Verification>;
}

/**
 * Takes the snapshot (one GET per path, one try each) and notes when delivery starts: a HIT
 * after delivery is compared with these copies, and an Age with that moment.
 */
export async function prepareVerification(
  settings: Settings & { verify: 'fail' | 'warn'; siteUrl: string },
  targets: Target[],
  context: { signal?: AbortSignal | undefined; onCheck?: (check: PathCheck) => void; log: (line: string) => void },
): Promise<PreparedVerification> {
  const secrets = [settings.secret ?? '', ...settings.endpoints.map((e) => e.secret), ...settings.verifyHeaders.map((h) => h.value)].map(
    redactor,
  );
  const options: VisitOptions = {
    site: settings.siteUrl,
    headers: settings.verifyHeaders,
    concurrency: settings.concurrency,
    retries: settings.retries,
    timeoutMs: settings.timeoutMs,
    redact: (text) => secrets.reduce((t, r) => r(t), text),
    signal: context.signal,
    ...(context.onCheck ? { onCheck: context.onCheck } : {}),
  };
  const paths = targets.filter((t) => t.type === 'path').map((t) => t.value);
  const before = paths.length > 0 ? await snapshot(paths, options) : new Map<string, Copy>();
  context.log(
    `snapshot of ${paths.length} path${paths.length === 1 ? '' : 's'} on ${settings.siteUrl} before delivery: ${before.size} answered`,
  );
  const startedAt = Date.now();
  return {
    async verify(deliveries, perFile) {
      const delivered = revalidatedPaths(deliveries);
      context.log(
        `visiting ${delivered.length} revalidated path${delivered.length === 1 ? '' : 's'}, up to ${settings.concurrency} at a time`,
      );
      const checks = await visitAll(
        delivered.map((t) => ({ path: t.value, expected: expectationOf(t) })),
        before,
        startedAt,
        options,
      );
      const tags = [...new Set(deliveries.filter((d) => d.status === 'revalidated' && d.target.type === 'tag').map((d) => d.target.value))];
      return {
        mode: settings.verify,
        site: settings.siteUrl,
        checks,
        standIns: standInsFor(tags, new Set(delivered.map((t) => t.value)), perFile),
      };
    },
  };
}

/**
 * The paths to visit: each revalidated path once. With several endpoints a path is delivered
 * once to each; it is visited once, when any endpoint took it.
 */
export function revalidatedPaths(deliveries: Delivery[]): Target[] {
  const paths = new Map<string, Target>();
  for (const d of deliveries) if (d.status === 'revalidated' && d.target.type === 'path') paths.set(d.target.value, d.target);
  return [...paths.values()];
}

/** For each tag, the visited paths that came from the same changed files. */
export function standInsFor(tags: string[], visited: Set<string>, perFile: FileTargets[]): Verification['standIns'] {
  return tags.map((tag) => {
    const paths = new Set<string>();
    for (const file of perFile) {
      if (!file.targets.some((t) => t.type === 'tag' && t.value === tag)) continue;
      for (const t of file.targets) if (t.type === 'path' && visited.has(t.value)) paths.add(t.value);
    }
    return { tag, paths: [...paths].sort() };
  });
}
