/**
 * action.yml and every workflow we ship or document, read by GitHub's own parser
 * (@actions/workflow-parser): the runner refuses a manifest this parser rejects ("Fail to load
 * action.yml" before any step runs), so any error here is a broken action for every user.
 * Each workflow step that calls the action passes only inputs action.yml declares, and every
 * `steps.<id>.outputs.<name>` of such a step names an output action.yml declares.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/action.js';
import { actionErrors, workflowErrors } from '../helpers/workflow-parser.js';

const ACTION_TEXT = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const ACTION = parse(ACTION_TEXT) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
const WORKFLOWS = join(ROOT, '.github/workflows');

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
type Workflow = { jobs: Record<string, { steps?: Step[] }> };

/** Workflow YAML blocks of the README: a mapping with `jobs`. */
function readmeWorkflows(): Array<{ name: string; text: string }> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)]
    .map((m) => ({ name: `README.md#L${readme.slice(0, m.index).split('\n').length}`, text: m[1] ?? '' }))
    .filter(({ text }) => {
      const doc = parse(text) as unknown;
      return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && 'jobs' in doc;
    });
}

const shipped = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => ({ name: `.github/workflows/${f}`, text: readFileSync(join(WORKFLOWS, f), 'utf8') }));
const workflows = [...shipped, ...readmeWorkflows()];

const callsTheAction = (uses: string | undefined) => uses === './' || (uses ?? '').startsWith('org/isr-revalidate@');

/** Problems with how a workflow uses the action's inputs and outputs, as readable lines. */
function interfaceProblems(text: string): string[] {
  const workflow = parse(text) as Workflow;
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    const ours = (job.steps ?? []).filter((s) => callsTheAction(s.uses));
    for (const step of ours) {
      for (const key of Object.keys(step.with ?? {})) {
        if (!(key in ACTION.inputs)) problems.push(`job ${jobId}: with: ${key} is not an input of action.yml`);
      }
    }
    const ids = new Set(ours.map((s) => s.id).filter(Boolean));
    const jobText = JSON.stringify(job);
    for (const m of jobText.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      if (ids.has(m[1]) && !(m[2]! in ACTION.outputs))
        problems.push(`job ${jobId}: steps.${m[1]}.outputs.${m[2]} is not an output of action.yml`);
    }
  }
  return problems;
}

describe('action.yml, as GitHub parses it', () => {
  it('has no errors under the strict action schema', () => {
    expect(actionErrors('action.yml', ACTION_TEXT)).toEqual([]);
  });

  it('evaluates no expression except the github-token default', () => {
    const lines = ACTION_TEXT.split('\n').filter((l) => l.includes('${{'));
    expect(lines).toEqual(["    default: '${{ github.token }}'"]);
  });

  it('the parser does reject a manifest naming `secrets` in a description (so the check above can fail)', () => {
    const broken = ACTION_TEXT.replace(/( {2}secret:\n {4}description: ')/, '$1e.g. $${{ secrets.REVALIDATION_SECRET }}. ');
    expect(broken).not.toBe(ACTION_TEXT);
    expect(actionErrors('action.yml', broken)).toEqual([
      expect.stringMatching(/^action\.yml \(Line: \d+, Col: \d+\): Unrecognized named-value: 'secrets'$/),
    ]);
  });

  it('the parser rejects an unknown runtime and a missing main', () => {
    const broken = ACTION_TEXT.replace("using: 'node24'\n  main: 'dist/index.js'", "using: 'node99'");
    expect(actionErrors('action.yml', broken).length).toBeGreaterThan(0);
  });
});

describe('every workflow we ship or document, as GitHub parses it', () => {
  it('finds the shipped workflows and the README recipes', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(2);
    expect(workflows.length - shipped.length).toBeGreaterThanOrEqual(5);
  });

  it.each(workflows.map((w) => [w.name, w] as const))('%s parses without errors', (_name, workflow) => {
    expect(workflowErrors(workflow.name, workflow.text)).toEqual([]);
  });

  it.each(workflows.map((w) => [w.name, w] as const))(
    '%s passes only declared inputs and reads only declared outputs',
    (_name, workflow) => {
      expect(interfaceProblems(workflow.text)).toEqual([]);
    },
  );

  it('a broken workflow and a wrong input or output are caught (so the checks above can fail)', () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets }}\n        shell: nope: x\n';
    expect(workflowErrors('broken.yml', broken).length).toBeGreaterThan(0);
    const wrong = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - id: revalidate',
      '        uses: org/isr-revalidate@v1',
      '        with:',
      '          endpoint-url: https://example.com',
      '      - run: echo "${{ steps.revalidate.outputs.revalidated-count }}"',
    ].join('\n');
    expect(workflowErrors('wrong.yml', wrong)).toEqual([]);
    expect(interfaceProblems(wrong)).toEqual([
      'job a: with: endpoint-url is not an input of action.yml',
      'job a: steps.revalidate.outputs.revalidated-count is not an output of action.yml',
    ]);
  });
});
