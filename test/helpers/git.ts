/**
 * Real git repositories for tests: a working repo, a bare origin that allows fetching any
 * commit by SHA (as GitHub does), and shallow clones of it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export function tempDir(prefix = 'isr-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export class TestRepo {
  constructor(readonly dir: string) {}

  static create(options: { objectFormat?: 'sha1' | 'sha256' } = {}): TestRepo {
    const dir = join(tempDir(), 'repo');
    mkdirSync(dir);
    git(dir, 'init', '--quiet', '--initial-branch=main', `--object-format=${options.objectFormat ?? 'sha1'}`);
    return new TestRepo(dir);
  }

  write(files: Record<string, string | null>): this {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.dir, path);
      if (content === null) rmSync(full, { force: true, recursive: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    return this;
  }

  /** Stages everything and commits; returns the new commit's id. */
  commit(message = 'change'): string {
    git(this.dir, 'add', '-A');
    git(this.dir, 'commit', '--quiet', '--allow-empty', '-m', message);
    return this.head();
  }

  head(): string {
    return git(this.dir, 'rev-parse', 'HEAD');
  }

  git(...args: string[]): string {
    return git(this.dir, ...args);
  }

  /** A bare copy to serve as `origin`, configured to let clients fetch any commit by SHA. */
  bareOrigin(): string {
    const bare = join(tempDir(), 'origin.git');
    git(dirname(bare), 'clone', '--quiet', '--bare', this.dir, bare);
    git(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    git(bare, 'config', 'uploadpack.allowReachableSHA1InWant', 'true');
    return bare;
  }

  /** Pushes to a bare repository (force when the refspec starts with `+`). */
  pushTo(origin: string, ...refspecs: string[]): this {
    git(this.dir, 'push', '--quiet', origin, ...refspecs);
    return this;
  }

  /**
   * A checkout of `url` as actions/checkout makes it: depth 1 by default, one branch, and with
   * `extraHeader` the credentials it persists in the local config (persist-credentials: true).
   * Asynchronous, so that a server in this same process can answer it.
   */
  static async checkout(
    url: string,
    options: { branch?: string; depth?: number; extraHeader?: string; persistCredentials?: boolean } = {},
  ): Promise<TestRepo> {
    const dir = join(tempDir(), 'checkout');
    const auth = options.extraHeader ? ['-c', `http.extraheader=AUTHORIZATION: ${options.extraHeader}`] : [];
    await promisify(execFile)(
      'git',
      [...auth, 'clone', '--quiet', `--depth=${options.depth ?? 1}`, '--no-tags', `--branch=${options.branch ?? 'main'}`, url, dir],
      {
        cwd: dirname(dir),
        env: { ...process.env, ...GIT_ENV, GIT_TERMINAL_PROMPT: '0' },
      },
    );
    if (options.extraHeader && options.persistCredentials !== false)
      git(dir, 'config', `http.${url}.extraheader`, `AUTHORIZATION: ${options.extraHeader}`);
    return new TestRepo(dir);
  }

  /** `actions/checkout`'s default: a depth-1 clone of `origin` over a real transport (file://). */
  static shallowClone(origin: string, ref = 'main'): TestRepo {
    const dir = join(tempDir(), 'checkout');
    git(dirname(dir), 'clone', '--quiet', '--depth=1', '--no-tags', `--branch=${ref}`, `file://${origin}`, dir);
    return new TestRepo(dir);
  }
}

/** Appends `count` commits to the current branch in one `git fast-import` run (fast, even for hundreds). */
export function commitMany(repo: TestRepo, count: number, files: (i: number) => Record<string, string>): string {
  const branch = repo.git('symbolic-ref', 'HEAD');
  let stream = '';
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  for (let i = 0; i < count; i++) {
    stream += `commit ${branch}\ncommitter Test <test@example.com> ${1_700_000_000 + i} +0000\n${data(`commit ${i}`)}`;
    if (i === 0) stream += `from ${repo.head()}\n`;
    for (const [path, content] of Object.entries(files(i))) stream += `M 100644 inline ${path}\n${data(content)}`;
    stream += '\n';
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: stream, env: { ...process.env, ...GIT_ENV } });
  repo.git('reset', '--quiet', '--hard');
  return repo.head();
}
