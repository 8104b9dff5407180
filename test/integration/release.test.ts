/**
 * scripts/release.mjs in real git repositories: it tags v1.x.y and moves v1 only when every
 * check passes, and says what to fix when one does not. The repository's own dist check is
 * stood in for by a scripts/check-dist.mjs that passes or fails as the test says.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/action.js';
import { git, TestRepo } from '../helpers/git.js';

const RELEASE = join(ROOT, 'scripts/release.mjs');

function project(options: { version?: string; changelog?: string; distOk?: boolean } = {}) {
  const repo = TestRepo.create();
  repo.write({
    'package.json': JSON.stringify({ name: 'isr-revalidate', version: '1.0.0' }),
    'CHANGELOG.md': '# Changelog\n\n## 1.0.0\n\nFirst.\n',
    'scripts/check-dist.mjs': 'process.exit(0);\n',
  });
  const first = repo.commit('1.0.0');
  repo.git('tag', '--annotate', 'v1.0.0', '--message', 'v1.0.0');
  repo.git('tag', '--annotate', 'v1', '--message', 'v1');
  repo.write({
    'package.json': JSON.stringify({ name: 'isr-revalidate', version: options.version ?? '1.1.0' }),
    'CHANGELOG.md': options.changelog ?? '# Changelog\n\n## Unreleased\n\n## 1.1.0\n\nMore.\n\n## 1.0.0\n\nFirst.\n',
    'scripts/check-dist.mjs':
      options.distOk === false ? 'console.error("dist/index.js differs from a fresh build"); process.exit(1);\n' : 'process.exit(0);\n',
  });
  const second = repo.commit('Release 1.1.0');
  return { repo, first, second };
}

function release(repo: TestRepo, ...args: string[]) {
  const r = spawnSync(process.execPath, [RELEASE, ...args], {
    cwd: repo.dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'T',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 'T',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

const commitOf = (repo: TestRepo, ref: string) => repo.git('rev-list', '-n', '1', ref);

describe('scripts/release.mjs', () => {
  it('tags v1.1.0 and moves v1 to it, leaving v1.0.0 where it was; pushes both with --push', () => {
    const { repo, first, second } = project();
    const origin = repo.bareOrigin();
    repo.git('remote', 'add', 'origin', origin);

    const dry = release(repo, '1.1.0', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`release v1.1.0 at ${second.slice(0, 12)}; v1 moves from ${first.slice(0, 12)}`);
    expect(dry.out).toContain('dry run: nothing changed');
    expect(repo.git('tag', '--list')).toBe('v1\nv1.0.0');

    const real = release(repo, '1.1.0', '--push');
    expect(real.code).toBe(0);
    expect(commitOf(repo, 'v1.1.0')).toBe(second);
    expect(commitOf(repo, 'v1')).toBe(second);
    expect(commitOf(repo, 'v1.0.0')).toBe(first);
    expect(repo.git('cat-file', '-t', 'v1')).toBe('tag');
    expect(git(origin, 'rev-list', '-n', '1', 'v1')).toBe(second);
    expect(git(origin, 'rev-list', '-n', '1', 'v1.1.0')).toBe(second);
  });

  it('refuses, saying what to fix, when a check fails, and creates no tag', () => {
    const cases: Array<[string, ReturnType<typeof project>, string[]]> = [
      ['bad version', project(), ['v1.1']],
      ['not above the latest', project({ version: '1.0.0' }), ['1.0.0']],
      ['version mismatch', project({ version: '1.2.0' }), ['1.1.0']],
      ['no changelog section', project({ changelog: '# Changelog\n\n## Unreleased\n\nMore.\n' }), ['1.1.0']],
      ['dist out of date', project({ distOk: false }), ['1.1.0']],
    ];
    const messages: Record<string, string> = {};
    for (const [name, { repo }, args] of cases) {
      const r = release(repo, ...args);
      expect(r.code, name).toBe(1);
      expect(repo.git('tag', '--list'), name).toBe('v1\nv1.0.0');
      messages[name] = r.out.trim();
    }
    expect(messages['bad version']).toBe('release: "v1.1" is not a version such as 1.2.3 (no "v", no pre-release suffix)');
    expect(messages['not above the latest']).toContain('v1.0.0 already exists');
    expect(messages['version mismatch']).toBe('release: package.json says version 1.2.0; set it to 1.1.0 and commit');
    expect(messages['no changelog section']).toContain('CHANGELOG.md has no "## 1.1.0" section');
    expect(messages['dist out of date']).toContain('dist/ does not match a fresh build:\ndist/index.js differs from a fresh build');

    const dirty = project();
    dirty.repo.write({ 'CHANGELOG.md': 'edited, not committed' });
    expect(release(dirty.repo, '1.1.0').out).toContain('the working tree has uncommitted changes');

    const lower = project({ version: '0.9.0' });
    lower.repo.git('tag', '--annotate', 'v1.3.0', '--message', 'v1.3.0', lower.first);
    const below = release(lower.repo, '1.2.0');
    expect(below.out).toContain('v1.2.0 is not above the latest v1 release, v1.3.0');
  });

  it('this repository’s package.json version has its CHANGELOG section, below Unreleased', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    const unreleased = changelog.indexOf('\n## Unreleased\n');
    const current = changelog.indexOf(`\n## ${version}\n`);
    expect(unreleased).toBeGreaterThan(0);
    expect(current).toBeGreaterThan(unreleased);
  });
});
