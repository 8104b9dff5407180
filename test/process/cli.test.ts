/**
 * The `isr-revalidate` command as a whole process (node dist/cli.js), in real git repositories
 * against the contract receiver on 127.0.0.1: the same engine, exit codes and messages as the
 * action, the secret only from the environment.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeRuntimes, ROOT } from '../helpers/action.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { receivedTargets, startReceiver, type Receiver } from '../helpers/receiver.js';

const CLI = join(ROOT, 'dist/cli.js');
const SECRET = 'cli-secret-value-42';
const MAPPING = `- files: content/blog/[slug].md
  exclude: content/blog/_*
  paths: ["/blog/[slug]", /blog]
  tags: [posts, "post:[slug]"]
`;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; node?: string } = {}): Promise<CliRun> {
  // Only PATH and HOME from this process: no GITHUB_* variables, as on another CI system.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env };
  const child = spawn(options.node ?? process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? tempDir(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

/** A content repository with one push: an edit, a delete, a draft and a README change. */
function contentRepo() {
  const repo = TestRepo.create();
  repo.write({
    'revalidate.yml': MAPPING,
    'content/blog/a.md': '1',
    'content/blog/gone.md': 'x',
    'content/blog/_draft.md': 'd',
    'README.md': 'r',
  });
  const before = repo.commit('initial');
  repo.write({ 'content/blog/a.md': '2', 'content/blog/gone.md': null, 'content/blog/_draft.md': 'd2', 'README.md': 'r2' });
  const after = repo.commit('edit');
  return { repo, before, after };
}

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver({ secret: SECRET });
});
afterEach(async () => {
  await receiver.close();
});

describe.each(nodeRuntimes())('isr-revalidate under $name', ({ path: node }) => {
  it('revalidates what a range of commits changed, with the secret from the environment', async () => {
    const { repo, before, after } = contentRepo();
    const run = await runCli(['--base', before, '--head', after, '--mapping-file', 'revalidate.yml', '--endpoint', receiver.url], {
      cwd: repo.dir,
      env: { REVALIDATION_SECRET: SECRET },
      node,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(receivedTargets(receiver)).toEqual([
      { type: 'path', value: '/blog' },
      { type: 'path', value: '/blog/a' },
      { type: 'path', value: '/blog/gone' },
      { type: 'tag', value: 'post:a' },
      { type: 'tag', value: 'post:gone' },
      { type: 'tag', value: 'posts' },
    ]);
    expect(receiver.requests.every((r) => r.headers['x-revalidation-secret'] === SECRET)).toBe(true);
    // The log is grouped per stage, like the action's.
    expect(run.stdout).toMatch(/── Changes ─+\n[\s\S]*── Mapping ─+\n[\s\S]*── Delivery ─+\n/);
    expect(run.stdout).toContain('4 changed files');
    expect(run.stdout).toContain('6 targets; 2 changed file(s) matched no rule');
    expect(run.stdout).toMatch(/✓ path \/blog HTTP 200 \(1 attempt, \d+ ms\)/);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('6 revalidated, 0 failed, 0 not sent');
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });
});

describe('isr-revalidate', () => {
  it('--dry-run previews a mapping with no endpoint or secret; --head defaults to HEAD; --json and --summary-file', async () => {
    const { repo, before } = contentRepo();
    const summary = join(tempDir(), 'summary.md');
    const run = await runCli(['--dry-run', '--base', before, '--mapping-file', 'revalidate.yml', '--json', '--summary-file', summary], {
      cwd: repo.dir,
    });
    expect(run.code).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    const outputs = JSON.parse(run.stdout) as Record<string, string>;
    expect(outputs).toEqual({
      'changed-files': JSON.stringify(['README.md', 'content/blog/_draft.md', 'content/blog/a.md', 'content/blog/gone.md']),
      paths: JSON.stringify(['/blog', '/blog/a', '/blog/gone']),
      tags: JSON.stringify(['post:a', 'post:gone', 'posts']),
      revalidated: '0',
      failed: '[]',
      verified: '0',
      unverified: '[]',
    });
    // With --json, the log goes to stderr so stdout is only the JSON.
    expect(run.stderr).toContain('dry run: 6 target(s) computed, nothing sent');
    expect(readFileSync(summary, 'utf8')).toContain('🧪 **Dry run**: 6 targets would be sent, nothing was sent');
  });

  it('--cwd points at the repository; --paths and --tags are added and repeatable', async () => {
    const { repo, before, after } = contentRepo();
    const run = await runCli(
      [
        '--cwd',
        repo.dir,
        '--base',
        before,
        '--head',
        after,
        '--mapping=- files: README.md\n  paths: /',
        '--paths',
        '/about,/team',
        '--tags',
        'nav',
        '--tags',
        'footer',
        '--endpoint',
        receiver.url,
      ],
      { env: { REVALIDATION_SECRET: SECRET } },
    );
    expect(run.code).toBe(0);
    expect(receivedTargets(receiver).map((t) => `${t.type} ${t.value}`)).toEqual([
      'path /',
      'path /about',
      'path /team',
      'tag footer',
      'tag nav',
    ]);
  });

  it('takes the secret from the variable --secret-env names, and sends it in --secret-header', async () => {
    await receiver.close();
    receiver = await startReceiver({ secret: SECRET, header: 'x-custom-secret' });
    const run = await runCli(
      ['--tags', 'posts', '--endpoint', receiver.url, '--secret-env', 'SITE_SECRET', '--secret-header', 'X-Custom-Secret'],
      {
        env: { SITE_SECRET: SECRET },
      },
    );
    expect(run.code).toBe(0);
    expect(receiver.requests[0]?.headers['x-custom-secret']).toBe(SECRET);
  });

  it('refuses a --secret flag, without echoing it', async () => {
    const run = await runCli(['--secret', 'hunter2-on-the-command-line', '--tags', 'x', '--endpoint', receiver.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('there is no --secret option: a secret on the command line ends up in shell history');
    expect(run.stderr).toContain('REVALIDATION_SECRET');
    expect(run.stdout + run.stderr).not.toContain('hunter2');
    expect(receiver.requests).toHaveLength(0);
  });

  it('exits 1 with the action’s messages, naming options instead of inputs', async () => {
    const noSecret = await runCli(['--tags', 'x', '--endpoint', receiver.url]);
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toContain('error: the secret is required (or use --dry-run): set the REVALIDATION_SECRET environment variable');

    const badNumbers = await runCli(['--tags', 'x', '--dry-run', '--concurrency', '0', '--timeout', 'soon']);
    expect(badNumbers.code).toBe(1);
    expect(badNumbers.stderr).toContain('--concurrency must be at least 1 (got "0")');
    expect(badNumbers.stderr).toContain('--timeout must be a number of seconds such as 10 (got "soon")');
    expect(badNumbers.stderr).not.toContain('input `');

    const yamlTrap = await runCli(['--dry-run', '--tags', 'x', '--mapping=- files: content/[slug].md\n  paths: [/blog/[slug], /blog]']);
    expect(yamlTrap.code).toBe(1);
    expect(yamlTrap.stderr).toContain('error: --mapping, line 2: YAML syntax error');
    expect(yamlTrap.stderr).toContain('paths: ["/blog/[slug]", /blog]');

    const dash = await runCli(['--dry-run', '--mapping', MAPPING]);
    expect(dash.code).toBe(1);
    expect(dash.stderr).toContain("use '--mapping=-XYZ'");

    const unknown = await runCli(['--endpont', receiver.url]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error: Unknown option '--endpont'");
    expect(unknown.stderr).toContain('isr-revalidate --help');

    const notRepo = await runCli(['--dry-run', '--base', 'HEAD~1', `--mapping=${MAPPING}`]);
    expect(notRepo.code).toBe(1);
    expect(notRepo.stderr).toMatch(/error: .*not a git checkout/);
  });

  it('reports a failing endpoint per target, exits 1, and 0 with --no-fail-on-error', async () => {
    const wrong = { env: { REVALIDATION_SECRET: 'not-the-secret' } };
    const run = await runCli(['--tags', 'a,b', '--endpoint', receiver.url, '--retries', '0'], wrong);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: tag a: HTTP 401/);
    expect(run.stderr).toContain('error: 2 of 2 target(s) were not revalidated');
    expect(run.stdout + run.stderr).not.toContain('not-the-secret');

    const lenient = await runCli(['--tags', 'a,b', '--endpoint', receiver.url, '--no-fail-on-error'], wrong);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toContain('warning: 2 of 2 target(s) were not revalidated (--no-fail-on-error)');
  });

  it('--max-targets: over it a run sends nothing and exits 1; a dry run warns and exits 0', async () => {
    const over = await runCli(['--tags', 'a,b,c', '--endpoint', receiver.url, '--max-targets', '2'], {
      env: { REVALIDATION_SECRET: SECRET },
    });
    expect(over.code).toBe(1);
    expect(receiver.requests).toHaveLength(0);
    expect(over.stderr).toContain(
      'error: this run maps to 3 distinct targets (0 paths, 3 tags), more than the limit of 2 (--max-targets): nothing was sent. Most came from --tags: 3.',
    );
    const dry = await runCli(['--dry-run', '--tags', 'a,b,c', '--max-targets', '2']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain(
      'warning: this run maps to 3 distinct targets (0 paths, 3 tags), more than the limit of 2 (--max-targets): dry run: a real run would send nothing and fail.',
    );
  });

  it('--help documents every option and the exit status; --version prints the package version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const option of [
      '--base',
      '--head',
      '--mapping-file',
      '--mapping',
      '--endpoint',
      '--dry-run',
      '--paths',
      '--tags',
      '--concurrency',
      '--retries',
      '--timeout',
      '--max-targets',
      '--secret-env',
      '--secret-header',
      '--cwd',
      '--json',
      '--summary-file',
      '--no-fail-on-error',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`\\n  (-h, )?${option}[ =]`));
    }
    expect(help.stdout).toContain('Exit status: 0');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('the bundle carries none of @actions/core', () => {
    const bundle = readFileSync(CLI, 'utf8');
    expect(bundle.startsWith('#!/usr/bin/env node\n')).toBe(true);
    // ncc names each bundled module by its path: none may come from @actions/*.
    expect(bundle).toContain('node_modules/yaml/');
    expect(bundle).not.toMatch(/node_modules\/@actions\/|::add-mask::/);
  });
});
