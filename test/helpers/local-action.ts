/**
 * Runs the action through GitHub's local runner for actions, `@github/local-action`: it loads
 * src/action/main.ts with its own stand-ins for @actions/core and @actions/github, calls `run()`, and
 * prints the outputs it saw in an "Action Outputs" table. What it reports is what these tests
 * assert, so they prove the action speaks the toolkit, not a copy of it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './action.js';
import { tempDir } from './git.js';

// local-action supports Node 22 and 24: run it under the runners' Node 24 (the `node` devDependency).
const NODE24_BIN = join(ROOT, 'node_modules/node/bin');
const LOCAL_ACTION = join(ROOT, 'node_modules/.bin/local-action');

export interface LocalActionRun {
  code: number;
  stdout: string;
  /** The outputs as local-action's own table lists them. */
  outputs: Record<string, string>;
  summary: string;
}

/** A dotenv line whose value dotenv reads back exactly (single quotes: no escapes, no expansion). */
function envLine(name: string, value: string): string {
  if (value.includes("'") || value.includes('\n')) throw new Error(`${name}: this helper writes single-line values without single quotes`);
  return `${name}='${value}'`;
}

export async function runLocalAction(options: {
  inputs: Record<string, string>;
  eventName: string;
  event: unknown;
  workspace: string;
}): Promise<LocalActionRun> {
  if (!existsSync(join(NODE24_BIN, 'node'))) throw new Error('node_modules/node is missing: run npm ci');
  const dir = tempDir('isr-local-action-');
  const eventPath = join(dir, 'event.json');
  const summaryPath = join(dir, 'summary.md');
  writeFileSync(eventPath, JSON.stringify(options.event));
  writeFileSync(summaryPath, '');
  const lines = [
    // local-action's .env: inputs as INPUT_<NAME> with the hyphens kept, then the runner's variables.
    ...Object.entries(options.inputs).map(([name, value]) => envLine(`INPUT_${name.toUpperCase()}`, value)),
    envLine('GITHUB_EVENT_NAME', options.eventName),
    envLine('GITHUB_EVENT_PATH', eventPath),
    envLine('GITHUB_WORKSPACE', options.workspace),
    envLine('GITHUB_STEP_SUMMARY', summaryPath),
    envLine('ACTIONS_STEP_DEBUG', 'false'),
  ];
  const envFile = join(dir, '.env');
  writeFileSync(envFile, lines.join('\n') + '\n');

  const env = { PATH: `${NODE24_BIN}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? dir, NO_COLOR: '1' };
  const child = spawn(LOCAL_ACTION, ['run', ROOT, 'src/action/main.ts', envFile], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
  clearTimeout(timer);
  return { code, stdout, outputs: outputsTable(stdout), summary: readFileSync(summaryPath, 'utf8') };
}

/** Reads local-action's "Action Outputs" table: `│ 0 │ 'name' │ 'value' │` rows (console.table). */
function outputsTable(stdout: string): Record<string, string> {
  const start = stdout.indexOf('Action Outputs');
  const outputs: Record<string, string> = {};
  if (start < 0) return outputs;
  for (const m of stdout.slice(start).matchAll(/^│ \d+\s+│ '([^']+)'\s+│ '(.*)'\s+│$/gm)) outputs[m[1] ?? ''] = m[2] ?? '';
  return outputs;
}
