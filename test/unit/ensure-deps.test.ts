/** `npm test` and `npm run build` install first when node_modules is missing or behind the lockfile. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { staleness } from '../../scripts/ensure-deps.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(locked: Record<string, object>, installed?: Record<string, object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ensure-deps-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ packages: { '': {}, ...locked } }));
  if (installed) {
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules/.package-lock.json'), JSON.stringify({ packages: installed }));
  }
  return dir;
}

const check = (dir: string) => (staleness as (root: string) => string | undefined)(dir);

describe('ensure-deps', () => {
  it('is content when node_modules holds every locked version', () => {
    expect(check(project({ 'node_modules/yaml': { version: '2.9.1' } }, { 'node_modules/yaml': { version: '2.9.1' } }))).toBeUndefined();
  });

  it('installs on a fresh clone, after a pull that added a dependency, and after an upgrade', () => {
    expect(check(project({ 'node_modules/yaml': { version: '2.9.1' } }))).toBe('node_modules is missing');
    expect(check(project({ 'node_modules/smol-toml': { version: '1.9.1' } }, {}))).toBe('node_modules/smol-toml 1.9.1 is not installed');
    expect(check(project({ 'node_modules/yaml': { version: '2.9.2' } }, { 'node_modules/yaml': { version: '2.9.1' } }))).toBe(
      'node_modules/yaml 2.9.2 is not installed',
    );
  });

  it('ignores optional packages for other platforms, which npm never installs', () => {
    const locked = {
      'node_modules/@esbuild/win32-x64': { version: '0.28.2', optional: true, os: ['win32'], cpu: ['x64'] },
      'node_modules/fsevents': { version: '2.3.3', os: ['darwin'] },
    };
    expect(check(project(locked, {}))).toBeUndefined();
  });
});
