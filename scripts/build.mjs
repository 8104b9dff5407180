#!/usr/bin/env node
// Builds every bundle with @vercel/ncc (ESM, since the Actions toolkit is ESM-only) into dist/
// (or the folder given), replacing what was there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUNDLES } from './bundles.mjs';

const outDir = resolve(process.argv[2] ?? 'dist');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const { entry, output } of BUNDLES) {
  const tmp = mkdtempSync(join(tmpdir(), 'isr-ncc-'));
  execFileSync(process.execPath, ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', entry, '-o', tmp, '--quiet', '--no-source-map-register'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const file of readdirSync(tmp)) {
    renameSync(join(tmp, file), join(outDir, file === 'index.js' ? output : file));
  }
  rmSync(tmp, { recursive: true, force: true });
}
