/** Error annotations: one per target up to GitHub's per-step limit, then one line for the rest. */
import { describe, expect, it } from 'vitest';
import { failureAnnotations, MAX_ANNOTATIONS, type RunReport } from '../../src/report.js';
import type { Delivery } from '../../src/types.js';

function reportWith(failures: number): RunReport {
  const deliveries: Delivery[] = Array.from({ length: failures }, (_, i) => ({
    target: { type: 'path', value: `/p/${i}`, sources: [] },
    status: 'failed',
    httpStatus: 500,
    attempts: 4,
    ms: 10,
    error: 'HTTP 500',
  }));
  deliveries.push({ target: { type: 'tag', value: 'ok', sources: [] }, status: 'revalidated', httpStatus: 200, attempts: 1, ms: 1 });
  return { dryRun: false, deliveries, warnings: [] };
}

describe('failureAnnotations', () => {
  it('names every failed target while they fit', () => {
    expect(failureAnnotations(reportWith(2))).toEqual(['path /p/0: HTTP 500', 'path /p/1: HTTP 500']);
    expect(failureAnnotations(reportWith(MAX_ANNOTATIONS))).toHaveLength(MAX_ANNOTATIONS);
  });

  it('past the limit, says how many more and where they are listed', () => {
    const lines = failureAnnotations(reportWith(2000));
    expect(lines).toHaveLength(MAX_ANNOTATIONS);
    expect(lines[MAX_ANNOTATIONS - 2]).toBe(`path /p/${MAX_ANNOTATIONS - 2}: HTTP 500`);
    expect(lines[MAX_ANNOTATIONS - 1]).toBe(
      `${2000 - (MAX_ANNOTATIONS - 1)} more targets were not revalidated; the job summary counts them and the log has a line for each`,
    );
  });

  it('no failures, no annotations', () => {
    expect(failureAnnotations(reportWith(0))).toEqual([]);
  });
});
