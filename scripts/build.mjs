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
    if (file.endsWith('.js')) asciiOnly(join(tmp, file));
    renameSync(join(tmp, file), join(outDir, file === 'index.js' ? output : file));
  }
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Writes every non-ASCII character (in comments and string literals: the report's emoji, zod's
 * comments) as a \uXXXX escape. Why: one such character makes Node hold the whole source as a
 * two-byte string, and V8 then parses the 0.8 MB bundle measurably slower: on Node 20, about 10 ms
 * of every start (bench/README.md). Escapes mean the same in strings, templates, regular
 * expressions and comments; a raw template (String.raw) would see the difference, so the build
 * refuses one that holds such a character.
 */
function asciiOnly(file) {
  const code = readFileSync(file, 'utf8');
  const nonAscii = /[\u0080-\uffff]/g; // per UTF-16 unit: an emoji becomes its two surrogates' escapes
  if (!nonAscii.test(code)) return;
  if (/String\.raw`[^`]*[\u0080-\uffff]/.test(code)) throw new Error(`${file}: a String.raw template holds a non-ASCII character; escaping it would change its value`);
  writeFileSync(file, code.replace(nonAscii, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
