/** Event resolution for the events of the first release: pure, plain payloads in, a Plan out. */
import { describe, expect, it } from 'vitest';
import { EventError, resolvePlan } from '../src/changes/event.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

describe('resolvePlan', () => {
  it('push: before → after', () => {
    const plan = resolvePlan({ eventName: 'push', payload: { ref: 'refs/heads/main', before: A, after: B }, hasExplicitTargets: false });
    expect(plan).toMatchObject({ kind: 'diff', base: A, head: B, description: 'push to refs/heads/main: aaaaaaa → bbbbbbb' });
  });

  it('base and head inputs override the event', () => {
    const plan = resolvePlan({ eventName: 'push', payload: { ref: 'refs/heads/main', before: A, after: B }, base: 'v1', head: 'v2', hasExplicitTargets: false });
    expect(plan).toMatchObject({ kind: 'diff', base: 'v1', head: 'v2' });
  });

  it('a tag push or a branch deletion has nothing to do, said plainly', () => {
    expect(resolvePlan({ eventName: 'push', payload: { ref: 'refs/tags/v1', before: ZERO, after: B }, hasExplicitTargets: false })).toMatchObject({
      kind: 'nothing',
      description: 'push of tag v1: tags do not change content, nothing to revalidate',
    });
    expect(resolvePlan({ eventName: 'push', payload: { ref: 'refs/heads/x', before: A, after: ZERO, deleted: true }, hasExplicitTargets: false })).toMatchObject({
      kind: 'nothing',
      description: 'push deleting refs/heads/x: nothing to revalidate',
    });
  });

  it('a malformed push payload is a clear error, not a crash', () => {
    expect(() => resolvePlan({ eventName: 'push', payload: { ref: 'refs/heads/main', before: 'nope', after: B }, hasExplicitTargets: false })).toThrow(EventError);
    expect(() => resolvePlan({ eventName: 'push', payload: {}, hasExplicitTargets: false })).toThrow(/the push event payload is not usable: `ref`/);
  });

  it('workflow_dispatch uses explicit inputs only', () => {
    expect(resolvePlan({ eventName: 'workflow_dispatch', payload: {}, hasExplicitTargets: true })).toMatchObject({
      kind: 'explicit',
      files: [],
      description: 'workflow_dispatch: explicit paths/tags only',
    });
    expect(resolvePlan({ eventName: 'workflow_dispatch', payload: {}, hasExplicitTargets: false }).description).toBe(
      'workflow_dispatch: no changed files to compare for this event, and no `paths` or `tags` given',
    );
  });
});
