/**
 * Running git: one process per call, with an argument vector (never through a shell), no
 * prompts, and its stderr turned into a message fit for the log.
 */
import { spawn } from 'node:child_process';
import { clip, printable, withoutCredentials } from '../../text.js';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class GitError extends Error {
  override name = 'GitError';
}

/**
 * Runs git in `cwd`. `safe.directory` (only honoured from the command line or global config)
 * keeps a workspace owned by another user readable, as in containers where the checkout was
 * made by the runner's user; it names just this directory, not `*`.
 */
export function runGit(cwd: string, args: string[], input?: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', `safe.directory=${cwd}`, '-c', 'core.quotepath=off', ...args], {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', GIT_ASKPASS: '', SSH_ASKPASS: '', LC_ALL: 'C' },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    // Input for `--batch-check`. A git that exits before reading all its input (a failure) must
    // not fail the write: its exit code says what went wrong.
    child.stdin?.on('error', () => {}).end(input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new GitError(`could not run git: ${e.message}`)));
    child.on('close', (code) => {
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8').trim() });
    });
  });
}

/**
 * What git said, for a message: its `fatal:` and `error:` lines, which say what went wrong (the
 * lines after them are advice for a terminal: "Please make sure you have the correct access
 * rights"), or the last line when it has none. Escaped, and any URL without its credentials.
 */
export function gitMessage(stderr: string): string {
  const lines = stderr
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const meaningful = lines.filter((l) => /^(fatal|error):/i.test(l));
  const chosen = meaningful.length > 0 ? meaningful.slice(0, 3) : lines.slice(-1);
  // Without git's closing full stop: the message goes on after it.
  return chosen.map((l) => printable(clip(withoutCredentials(l.replace(/\.$/, '')), 300))).join('; ');
}
