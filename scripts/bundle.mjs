// One bundle with @vercel/ncc (ESM, since the Actions toolkit is ESM-only): used by build.mjs for
// dist/ and by the benchmark for its minimal @actions/core action, so both are built the same way.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NCC = new URL('../node_modules/@vercel/ncc/dist/ncc/cli.js', import.meta.url).pathname;

/** Bundles `entry` into `outDir` as `output` (plus its lazily loaded chunks). */
export function bundle(entry, outDir, output) {
  const tmp = mkdtempSync(join(tmpdir(), 'isr-ncc-'));
  execFileSync(process.execPath, [NCC, 'build', entry, '-o', tmp, '--quiet', '--no-source-map-register'], {
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
    if (/\.m?js$/.test(file)) asciiOnly(join(tmp, file));
    // ncc names the bundle index.mjs when the entry is an .mjs file
    renameSync(join(tmp, file), join(outDir, file === 'index.js' || file === 'index.mjs' ? output : file));
  }
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Writes every non-ASCII character (in comments and string literals: the report's emoji, zod's
 * comments) as a \uXXXX escape. Why: one such character makes Node hold the whole source as a
 * two-byte string, and V8 then parses the bundle measurably slower, on Node 20 most
 * (bench/README.md). Escapes mean the same in strings, templates, regular expressions and
 * comments; a raw template (String.raw) would see the difference, so the build refuses one that
 * holds such a character.
 */
function asciiOnly(file) {
  const code = readFileSync(file, 'utf8');
  const nonAscii = /[\u0080-\uffff]/g; // per UTF-16 unit: an emoji becomes its two surrogates' escapes
  if (!nonAscii.test(code)) return;
  if (/String\.raw`[^`]*[\u0080-\uffff]/.test(code))
    throw new Error(`${file}: a String.raw template holds a non-ASCII character; escaping it would change its value`);
  writeFileSync(
    file,
    code.replace(nonAscii, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}
