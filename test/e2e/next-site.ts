/**
 * The real Next.js site under test/e2e/site: installed from its own lockfile, built, and served
 * by `next start` on 127.0.0.1, rendering the content repository named by CONTENT_DIR.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { TestRepo } from '../helpers/git.js';

export const SITE_DIR = resolve(import.meta.dirname, 'site');
const NEXT_BIN = join(SITE_DIR, 'node_modules/next/dist/bin/next');
const INSTALL_STAMP = join(SITE_DIR, 'node_modules/.isr-e2e-lock-sha256');

const run = promisify(execFile);

/**
 * The environment every site process gets: only what Next.js needs. In particular not the test
 * runner's NODE_ENV=test (Next.js would build in a non-standard mode) nor its VITEST_* variables.
 */
function siteEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? SITE_DIR,
    NEXT_TELEMETRY_DISABLED: '1',
    ...extra,
  };
}

/**
 * `npm ci` of the site from its lockfile, skipped when node_modules already holds exactly that
 * lockfile's install (a stamp with the lockfile's hash is written after a successful install).
 */
export async function installSite(): Promise<void> {
  // Several e2e files may start at once: one installs, the others wait for it.
  await withInstallLock(installOnce);
}

const INSTALL_LOCK = join(SITE_DIR, '.install-lock');

async function withInstallLock(work: () => Promise<void>): Promise<void> {
  const giveUpBy = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(INSTALL_LOCK);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > giveUpBy) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    await work();
  } finally {
    rmSync(INSTALL_LOCK, { recursive: true, force: true });
  }
}

async function installOnce(): Promise<void> {
  const lockHash = createHash('sha256')
    .update(readFileSync(join(SITE_DIR, 'package-lock.json')))
    .digest('hex');
  if (existsSync(INSTALL_STAMP) && readFileSync(INSTALL_STAMP, 'utf8') === lockHash && existsSync(NEXT_BIN)) return;
  // --include=dev: `next build` type-checks the site with its own typescript and @types.
  const env = { ...process.env };
  delete env.NODE_ENV;
  await run('npm', ['ci', '--include=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: SITE_DIR,
    env,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: Error & { stderr?: string }) => {
    throw new Error(`npm ci of the e2e site failed: ${e.stderr || e.message}`, { cause: e });
  });
  writeFileSync(INSTALL_STAMP, lockHash);
}

/**
 * `next build` against the content in `contentDir`. Everything a previous run left in .next is
 * removed first (pages re-rendered at run time are written into .next and would survive, and
 * .next/cache/fetch-cache holds unstable_cache data the build would reuse); only Turbopack's
 * compiler cache is kept, which makes a rebuild take seconds instead of tens of seconds.
 */
export async function buildSite(contentDir: string, distName = '.next'): Promise<void> {
  const distDir = join(SITE_DIR, distName);
  if (existsSync(distDir)) {
    for (const entry of readdirSync(distDir)) {
      if (entry === 'cache') continue;
      rmSync(join(distDir, entry), { recursive: true, force: true });
    }
    for (const entry of existsSync(join(distDir, 'cache')) ? readdirSync(join(distDir, 'cache')) : []) {
      if (entry !== 'turbopack') rmSync(join(distDir, 'cache', entry), { recursive: true, force: true });
    }
  }
  await run(process.execPath, [NEXT_BIN, 'build'], {
    cwd: SITE_DIR,
    env: siteEnv({ CONTENT_DIR: contentDir, NEXT_DIST_DIR: distName }),
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(`next build of the e2e site failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`, { cause: e });
  });
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => res(port));
    });
  });
}

export interface Visit {
  status: number;
  /** `x-nextjs-cache`: HIT, MISS or STALE (absent on dynamic routes). */
  cache: string | null;
  body: string;
}

export interface RunningSite {
  origin: string;
  /** The revalidation route, as a user would give it to the action. */
  endpoint: string;
  visit(path: string): Promise<Visit>;
  log(): string;
  stop(): Promise<void>;
}

/** Starts `next start` on a free port of 127.0.0.1 and waits until it answers. */
export async function startSite(options: { contentDir: string; secret: string; distName?: string }): Promise<RunningSite> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: SITE_DIR,
    env: siteEnv({ CONTENT_DIR: options.contentDir, REVALIDATION_SECRET: options.secret, NEXT_DIST_DIR: options.distName ?? '.next' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));

  const visit = async (path: string): Promise<Visit> => {
    const response = await fetch(origin + path, { redirect: 'manual' });
    return { status: response.status, cache: response.headers.get('x-nextjs-cache'), body: await response.text() };
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };

  // Ready when the revalidation route answers a GET (405): it changes no cached page.
  const readyBy = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    try {
      await fetch(`${origin}/api/revalidate`);
      break;
    } catch {
      if (Date.now() > readyBy) {
        await stop();
        throw new Error(`next start did not answer on ${origin} within 60 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { origin, endpoint: `${origin}/api/revalidate`, visit, log: () => output, stop };
}

/**
 * A content repository holding `files` (committed), and the site installed, built from it into
 * `distName` and served: what every e2e file starts from.
 */
export async function serveContent(
  files: Record<string, string>,
  options: { secret: string; distName?: string },
): Promise<{ repo: TestRepo; site: RunningSite }> {
  const repo = TestRepo.create();
  repo.write(files);
  repo.commit('initial content');
  await installSite();
  await buildSite(repo.dir, options.distName);
  const site = await startSite({
    contentDir: repo.dir,
    secret: options.secret,
    ...(options.distName ? { distName: options.distName } : {}),
  });
  return { repo, site };
}

/** Commits `files` (null deletes) and returns the push event the runner would give for it. */
export function commitPush(repo: TestRepo, files: Record<string, string | null>) {
  const before = repo.head();
  repo.write(files);
  const after = repo.commit('content change');
  return { ref: 'refs/heads/main', before, after, created: false, deleted: false };
}

/** The page's `<h1>` and its `<li>` items, as the site's pages render them. */
export const title = (html: string): string | undefined => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];
export const listed = (html: string): string[] => [...html.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1] ?? '');

/** A cached page is served as a HIT the second time at the latest. */
export async function expectCached(site: RunningSite, path: string, status = 200): Promise<Visit> {
  await site.visit(path);
  const visit = await site.visit(path);
  expect(visit.status, path).toBe(status);
  expect(visit.cache, `${path} x-nextjs-cache`).toBe('HIT');
  return visit;
}
