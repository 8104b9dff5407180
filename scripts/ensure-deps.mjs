#!/usr/bin/env node
// Runs before `npm test`: on a fresh clone, installs the locked dependencies (npm ci) so that
// `npm test` is the only command a new user needs for the tests.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('node_modules is missing: running npm ci first');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}
