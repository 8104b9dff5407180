/**
 * Runs the bundled action (`node dist/index.js`) as a whole process, the way the runner does:
 * INPUT_* variables, GITHUB_EVENT_PATH, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { tempDir } from './git.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dist/index.js');

/** The Node runtimes to run the bundle under: this machine's Node and the runners' Node 24. */
export function nodeRuntimes(): Array<{ name: string; path: string }> {
  const runtimes: Array<{ name: string; path: string }> = [];
  const node24 = join(ROOT, 'node_modules/node/bin/node');
  // npm puts node_modules/.bin (where node@24 lives) first on PATH; look past it for the host's.
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    if (existsSync(candidate)) {
      runtimes.push({ name: 'host node', path: candidate });
      break;
    }
  }
  if (existsSync(node24)) runtimes.push({ name: 'node 24', path: node24 });
  if (runtimes.length === 0) runtimes.push({ name: 'current node', path: process.execPath });
  return runtimes;
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface ActionOptions {
  inputs?: Record<string, string>;
  eventName?: string;
  event?: unknown;
  workspace?: string;
  env?: Record<string, string>;
  node?: string;
  timeoutMs?: number;
  /** The bundle to run; dist/index.js by default. */
  script?: string;
  /** Run as this user (the test runs as root): its temporary files are then open to everyone. */
  user?: { uid: number; gid: number };
  /** Called once the process has started, for example to signal it. */
  onSpawn?: (child: ChildProcess) => void;
}

export async function runAction(options: ActionOptions): Promise<ActionRun> {
  const dir = tempDir('isr-run-');
  const eventPath = join(dir, 'event.json');
  const outputPath = join(dir, 'output.txt');
  const summaryPath = join(dir, 'summary.md');
  writeFileSync(eventPath, JSON.stringify(options.event ?? {}));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_WORKSPACE: options.workspace ?? dir,
    RUNNER_TEMP: dir,
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  if (options.user) {
    chmodSync(dir, 0o755);
    for (const file of [eventPath, outputPath, summaryPath]) chmodSync(file, 0o666);
  }
  const child = spawn(options.node ?? process.execPath, [options.script ?? DIST], {
    cwd: options.workspace ?? dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  // Decoded as a stream: a character split between two chunks stays one character.
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
  clearTimeout(timer);
  return { code, stdout, stderr, outputs: parseOutputFile(readFileSync(outputPath, 'utf8')), summary: readFileSync(summaryPath, 'utf8') };
}

/** Parses the runner's GITHUB_OUTPUT file format: `name<<DELIMITER\nvalue\nDELIMITER`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (m?.[1] && m[2]) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? '');
      outputs[m[1]] = value.join('\n');
      continue;
    }
    const eq = /^([^=]+)=(.*)$/.exec(lines[i] ?? '');
    if (eq?.[1]) outputs[eq[1]] = eq[2] ?? '';
  }
  return outputs;
}

/** The log as a person sees it: the runner consumes `::add-mask::` lines and never shows them. */
export function visibleLog(run: ActionRun): string {
  return (run.stdout + run.stderr)
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}
