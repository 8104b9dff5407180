#!/usr/bin/env node
// Runs before `npm test` and `npm run build`: installs the locked dependencies (npm ci) when
// node_modules is missing (a fresh clone) or no longer matches package-lock.json (a pull that
// added or upgraded one), so neither command fails on a module that is simply not installed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why `root`'s node_modules does not hold what its lockfile names, or undefined when it does. */
export function staleness(root) {
  const installedLock = join(root, 'node_modules/.package-lock.json');
  if (!existsSync(installedLock)) return 'node_modules is missing';
  const locked = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages ?? {};
  const installed = JSON.parse(readFileSync(installedLock, 'utf8')).packages ?? {};
  for (const [path, entry] of Object.entries(locked)) {
    // The root, and optional packages for other platforms, are never in node_modules.
    if (path === '' || entry.optional || entry.os || entry.cpu) continue;
    if (installed[path]?.version !== entry.version) return `${path} ${entry.version} is not installed`;
  }
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const why = staleness(process.cwd());
  if (why) {
    console.log(`${why}: running npm ci first`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  }
}
