/**
 * src/runner.ts speaks the runner's protocol in place of @actions/core (which costs 100-180 ms of
 * start-up). Here each call is made on both, with the same awkward values, and what reaches
 * stdout and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files must be the same bytes.
 */
import * as core from '@actions/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as runner from '../src/runner.js';
import { tempDir } from './helpers/git.js';

const AWKWARD = ['plain', '', '  padded  ', 'multi\nline\r\nvalue', '100% sure: a, b', 'émoji 🚀 %0A literal', '::error::injected'];

let saved: NodeJS.ProcessEnv;
let savedExitCode: typeof process.exitCode;
beforeEach(() => {
  saved = { ...process.env };
  savedExitCode = process.exitCode;
});
afterEach(() => {
  process.env = saved;
  process.exitCode = savedExitCode;
});

/** What `body` writes to stdout (and nothing reaches the test log). */
async function stdoutOf(body: () => unknown): Promise<string> {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    await body();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

async function same(call: (impl: typeof runner) => unknown) {
  const expected = await stdoutOf(() => call(core as unknown as typeof runner));
  const actual = await stdoutOf(() => call(runner));
  expect(actual).toBe(expected);
  return actual;
}

describe('runner.ts writes what @actions/core writes', () => {
  it.each(AWKWARD)('workflow commands for %j', async (value) => {
    await same((c) => c.info(value));
    await same((c) => c.debug(value));
    await same((c) => c.setSecret(value));
    await same((c) => c.warning(value));
    await same((c) => c.error(value, { title: `title: ${value}, again` }));
    await same((c) => c.group(value, async () => c.info('inside')));
    const failed = await same((c) => c.setFailed(value));
    expect(failed.startsWith('::error::')).toBe(true);
    expect(process.exitCode).toBe(1);
  });

  it('a group returns its body’s value and closes on an error', async () => {
    let value: number | undefined;
    await stdoutOf(async () => (value = await runner.group('g', async () => 42)));
    expect(value).toBe(42);
    const out = await stdoutOf(() => runner.group('g', async () => Promise.reject(new Error('boom'))).catch(() => undefined));
    expect(out).toBe(await stdoutOf(() => core.group('g', async () => Promise.reject(new Error('boom'))).catch(() => undefined)));
    expect(out.trim().split('\n').at(-1)).toBe('::endgroup::');
  });

  it('reads inputs as @actions/core does', () => {
    process.env.INPUT_MAPPING_FILE = '  spaced  ';
    process.env['INPUT_SOME INPUT'.replace(/ /g, '_')] = ' x ';
    for (const [name, options] of [['mapping-file', {}], ['mapping-file', { trimWhitespace: false }], ['some input', {}], ['absent', {}]] as const) {
      expect(runner.getInput(name, options)).toBe(core.getInput(name, options));
    }
  });

  it('writes outputs to GITHUB_OUTPUT in the same form, with a fresh delimiter each time', () => {
    const dir = tempDir('isr-runner-');
    const files = { core: join(dir, 'core.txt'), runner: join(dir, 'runner.txt') };
    writeFileSync(files.core, '');
    writeFileSync(files.runner, '');
    for (const value of AWKWARD) {
      process.env.GITHUB_OUTPUT = files.core;
      core.setOutput('name', value);
      process.env.GITHUB_OUTPUT = files.runner;
      runner.setOutput('name', value);
    }
    const written = readFileSync(files.runner, 'utf8');
    const delimiters = written.match(/ghadelimiter_[0-9a-f-]{36}/g) ?? [];
    expect(delimiters).toHaveLength(AWKWARD.length * 2);
    expect(new Set(delimiters).size).toBe(AWKWARD.length);
    const normal = (text: string) => text.replace(/ghadelimiter_[0-9a-f-]{36}/g, 'DELIMITER');
    expect(normal(written)).toBe(normal(readFileSync(files.core, 'utf8')));
  });

  it('fails like @actions/core when GITHUB_OUTPUT names a missing file, and falls back to stdout without it', async () => {
    process.env.GITHUB_OUTPUT = join(tempDir('isr-runner-'), 'missing.txt');
    expect(() => runner.setOutput('a', 'b')).toThrow(/Missing file at path/);
    delete process.env.GITHUB_OUTPUT;
    await same((c) => c.setOutput('name', 'value'));
  });

  it('appends the job summary as @actions/core does', async () => {
    const dir = tempDir('isr-runner-');
    const files = { core: join(dir, 'core.md'), runner: join(dir, 'runner.md') };
    writeFileSync(files.core, 'before\n');
    writeFileSync(files.runner, 'before\n');
    process.env.GITHUB_STEP_SUMMARY = files.core;
    await core.summary.addRaw('## title\n\n| a |', true).write();
    process.env.GITHUB_STEP_SUMMARY = files.runner;
    await runner.summary.addRaw('## title\n\n| a |', true).write();
    expect(readFileSync(files.runner, 'utf8')).toBe(readFileSync(files.core, 'utf8'));
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'missing', 'summary.md');
    await expect(runner.summary.addRaw('x').write()).rejects.toThrow(/Unable to access summary file/);
  });
});
