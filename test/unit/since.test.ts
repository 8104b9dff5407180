/**
 * `since: last-success` as pure logic: which run is the last success (chooseLastSuccess), the
 * workflow named by GITHUB_WORKFLOW_REF, and how a range is widened (since.ts) on an in-memory
 * history: from the run's head when it is an ancestor, never narrower than the event's range,
 * and the event's range with a warning otherwise.
 */
import { describe, expect, it } from 'vitest';
import { chooseLastSuccess, workflowFile, type WorkflowRun } from '../../src/changes/last-success.js';
import { sinceRange, type SinceLookup } from '../../src/changes/since.js';
import { lines } from '../helpers/changes.js';
import { MemorySource } from '../helpers/memory-source.js';

const run = (number: number, conclusion: string | null, extra: Partial<WorkflowRun> = {}): WorkflowRun => ({
  id: 1000 + number,
  number,
  attempt: 1,
  headSha: `sha${number}`,
  branch: 'main',
  event: 'push',
  status: conclusion === null ? 'in_progress' : 'completed',
  conclusion,
  url: `https://github.com/o/r/actions/runs/${1000 + number}`,
  ...extra,
});

describe('chooseLastSuccess', () => {
  it('the newest successful run before this one', () => {
    const runs = [run(5, 'failure'), run(4, 'cancelled'), run(3, 'success'), run(2, 'success')];
    expect(chooseLastSuccess(runs, { id: 1006, number: 6 })?.number).toBe(3);
  });

  it('a run that failed, was cancelled, timed out or is still going does not count', () => {
    const runs = [run(4, 'timed_out'), run(3, null), run(2, 'cancelled'), run(1, 'failure')];
    expect(chooseLastSuccess(runs, { number: 5 })).toBeUndefined();
  });

  it('a re-run looks before its own number, not at later runs, and never at itself', () => {
    const runs = [run(9, 'success'), run(7, 'success', { attempt: 1 }), run(6, 'success')];
    expect(chooseLastSuccess(runs, { id: 1007, number: 7 })?.number).toBe(6);
  });

  it('the order of the list does not matter', () => {
    expect(chooseLastSuccess([run(1, 'success'), run(3, 'success'), run(2, 'success')], { number: 4 })?.number).toBe(3);
  });
});

describe('workflowFile', () => {
  it('reads the file name of GITHUB_WORKFLOW_REF', () => {
    expect(workflowFile('octo-org/content/.github/workflows/revalidate.yml@refs/heads/main')).toBe('revalidate.yml');
    expect(workflowFile('o/r/.github/workflows/deploy.yaml@refs/pull/5/merge')).toBe('deploy.yaml');
  });
  it('anything else is no workflow', () => {
    for (const ref of [undefined, '', 'revalidate.yml', 'o/r/.github/workflows/x.yml', 'o/r/other/x.yml@main'])
      expect(workflowFile(ref)).toBeUndefined();
  });
});

// s ── b ── h on main; s → x on a line that was force-pushed away.
function historyWith() {
  return new MemorySource({
    s: { files: { 'a.md': '1', 'flip.md': 'old' } },
    b: { parents: ['s'], files: { 'a.md': '2', 'flip.md': 'new' } },
    h: { parents: ['b'], files: { 'a.md': '2', 'flip.md': 'old', 'c.md': '1' } },
    x: { parents: ['s'], files: { 'x.md': '1' } },
  });
}
const found =
  (commit: string): SinceLookup =>
  () =>
    Promise.resolve({ ok: true, commit, what: 'run #4 (id 9)' });

describe('sinceRange', () => {
  it('from the last success when it is an ancestor, and the event range kept in it', async () => {
    const source = historyWith();
    const event = { base: 'b', head: 'h', files: await source.diff('b', 'h') };
    const log: string[] = [];
    const r = await sinceRange(source, event, found('s'), (l) => log.push(l));
    expect(r.base).toBe('s');
    // a.md from the failed push; flip.md changed and changed back since s, but this push changed it.
    expect(lines(r.files)).toEqual(['added c.md', 'modified a.md', 'modified flip.md']);
    expect(r.warning).toBeUndefined();
    expect(r.note).toBe('since the last success: from s, the head commit of run #4 (id 9)');
    expect(log.join('\n')).toContain("and 1 more the event's own range changed");
  });

  it('not an ancestor (a force push): the event range, warned', async () => {
    const source = historyWith();
    const event = { base: 'b', head: 'h', files: await source.diff('b', 'h') };
    const r = await sinceRange(source, event, found('x'), () => {});
    expect(r.base).toBe('b');
    expect(r.files).toBe(event.files);
    expect(r.warning).toBe(
      "since: last-success: x, the head commit of run #4 (id 9) is not an ancestor of h (history was rewritten since, a force push). Revalidated the event's range instead (b → h, 2 changed file(s)); changes that an earlier failed or cancelled run left out are not covered",
    );
  });

  it('no run, or a commit that cannot be read: the event range with the reason', async () => {
    const source = historyWith();
    const event = { base: 'b', head: 'h', files: await source.diff('b', 'h') };
    const none = await sinceRange(
      source,
      event,
      () => Promise.resolve({ ok: false, reason: 'no earlier successful run' }),
      () => {},
    );
    expect(none.warning).toMatch(/^since: last-success: no earlier successful run\. Revalidated the event's range instead/);
    const gone = await sinceRange(source, event, found('gc-ed'), () => {});
    expect(gone.base).toBe('b');
    expect(gone.warning).toMatch(/gc-ed, the head commit of run #4 \(id 9\) cannot be checked against h \(commit gc-ed cannot be read/);
  });

  it('the last success at the event base: nothing more is asked', async () => {
    const source = historyWith();
    const event = { base: 'b', head: 'h', files: await source.diff('b', 'h') };
    source.asked.length = 0;
    const r = await sinceRange(source, event, found('b'), () => {});
    expect(r).toMatchObject({ base: 'b', files: event.files });
    expect(source.asked).toEqual([]);
  });
});
