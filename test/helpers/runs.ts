/**
 * Realistic RunReports for rendering tests and the docs screenshot: the example repository's
 * real mapping (examples/content-repo/revalidate.yml) applied by the real mapping stage to a
 * push that edits, adds, deletes and renames, with deliveries as the delivery stage records them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapChanges } from '../../src/mapping/apply.js';
import { parseMapping } from '../../src/mapping/rules.js';
import type { RunReport } from '../../src/report.js';
import type { ChangedFile, Delivery, Target } from '../../src/types.js';
import { ROOT } from './action.js';

export const PUSH_FILES: ChangedFile[] = [
  { path: 'README.md', status: 'modified' },
  { path: 'content/blog/_draft.md', status: 'modified' },
  { path: 'content/blog/brand-new.md', status: 'added' },
  { path: 'content/blog/hello-world.md', status: 'modified' },
  { path: 'content/blog/old-news.md', status: 'deleted' },
  { path: 'content/docs/guide/installation.md', status: 'renamed', previousPath: 'content/docs/guide/setup.md' },
  { path: 'data/authors/ada.json', status: 'modified' },
];

const BEFORE = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';
const AFTER = '9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b07';

function base(files: ChangedFile[] = PUSH_FILES, dryRun = false): RunReport {
  const mapping = parseMapping(readFileSync(join(ROOT, 'examples/content-repo/revalidate.yml'), 'utf8'), 'mapping-file `revalidate.yml`');
  return {
    dryRun,
    description: `push to refs/heads/main: ${BEFORE.slice(0, 7)} → ${AFTER.slice(0, 7)}`,
    changes: { base: BEFORE, head: AFTER, files, paths: [], tags: [], source: 'git', description: '' },
    mapping: mapChanges(mapping.rules, files),
    deliveries: [],
    warnings: [...mapping.warnings],
    ...(dryRun ? {} : { endpoint: 'https://www.example.com/api/revalidate' }),
  };
}

/** Plausible timings: deterministic, so the rendered text is too. */
function ok(target: Target, i: number): Delivery {
  return { target, status: 'revalidated', httpStatus: 200, attempts: 1, ms: 80 + ((i * 37) % 140) };
}

export function successRun(): RunReport {
  const report = base();
  report.deliveries = report.mapping!.targets.map((t, i) =>
    // One target needed a retry after a 503: attempts and time show it.
    t.value === '/blog' ? { ...ok(t, i), attempts: 2, ms: 712 } : ok(t, i),
  );
  return report;
}

export function partialFailureRun(): RunReport {
  const report = base();
  report.deliveries = report.mapping!.targets.map((t, i): Delivery => {
    if (t.value === '/blog/old-news') {
      return {
        target: t,
        status: 'failed',
        httpStatus: 500,
        attempts: 4,
        ms: 7391,
        error: 'HTTP 500: "Failed to revalidate" (gave up after 4 attempts)',
      };
    }
    if (t.value === 'authors') {
      return { target: t, status: 'failed', httpStatus: 400, attempts: 1, ms: 64, error: 'HTTP 400: "Invalid type"' };
    }
    return ok(t, i);
  });
  return report;
}

export function dryRunReport(): RunReport {
  return base(PUSH_FILES, true);
}

/** A wrong secret: the first reply is 401 and the rest are not sent. */
export function refusedSecretRun(): RunReport {
  const report = base();
  report.deliveries = report.mapping!.targets.map((t, i): Delivery =>
    i === 0
      ? {
          target: t,
          status: 'failed',
          httpStatus: 401,
          attempts: 1,
          ms: 41,
          error:
            'HTTP 401: "Invalid secret": the endpoint refused the secret; check the `secret` input and the `x-revalidation-secret` header',
        }
      : { target: t, status: 'skipped', attempts: 0, ms: 0, error: 'not sent: the endpoint refused the secret (HTTP 401)' },
  );
  return report;
}

/** A big push: many files and targets, which the summary folds. */
export function bigRun(files = 80): RunReport {
  const changed: ChangedFile[] = Array.from({ length: files }, (_, i) => ({
    path: `content/blog/post-${String(i).padStart(3, '0')}.md`,
    status: 'modified',
  }));
  const report = base(changed);
  report.deliveries = report.mapping!.targets.map(ok);
  return report;
}
