#!/usr/bin/env node
// Builds every bundle with @vercel/ncc (ESM, since the Actions toolkit is ESM-only) into dist/
// (or the folder given), replacing what was there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  // Lazily loaded chunks (dynamic import(), e.g. the GitHub API client) are named
  // `<id>.index.js` by every build: name them after their bundle so two bundles never overwrite
  // each other's chunks, and point the bundle's chunk loader at the new names.
  const base = output.replace(/\.js$/, '');
  const chunks = readdirSync(tmp).filter((f) => /^\d+\.index\.js$/.test(f));
  if (chunks.length > 0 && base !== 'index') {
    const main = join(tmp, 'index.js');
    const code = readFileSync(main, 'utf8');
    const loader = 'return "" + chunkId + ".index.js";';
    if (code.split(loader).length !== 2) throw new Error(`${entry}: the chunk loader was not found exactly once; cannot rename its chunks`);
    writeFileSync(main, code.replace(loader, `return "" + chunkId + ".${base}.js";`));
    for (const chunk of chunks) renameSync(join(tmp, chunk), join(tmp, chunk.replace('.index.js', `.${base}.js`)));
  }
  for (const file of readdirSync(tmp)) {
    renameSync(join(tmp, file), join(outDir, file === 'index.js' ? output : file));
  }
  rmSync(tmp, { recursive: true, force: true });
}
