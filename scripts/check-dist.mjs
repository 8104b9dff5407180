#!/usr/bin/env node
// Fails when the committed dist/ differs from a fresh build of src/: the action runs dist/,
// so a stale bundle would ship code nobody reviewed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLES } from './bundles.mjs';

const fresh = mkdtempSync(join(tmpdir(), 'isr-dist-'));
try {
  execFileSync(process.execPath, ['scripts/build.mjs', fresh], { stdio: ['ignore', 'ignore', 'inherit'] });
  const list = (dir) => readdirSync(dir, { recursive: true }).map(String).sort();
  const expected = list(fresh);
  const actual = list('dist');
  const problems = [];
  for (const f of expected) {
    if (!actual.includes(f)) problems.push(`dist/${f} is missing`);
    else if (!readFileSync(join(fresh, f)).equals(readFileSync(join('dist', f)))) problems.push(`dist/${f} differs from a fresh build`);
  }
  for (const f of actual) if (!expected.includes(f)) problems.push(`dist/${f} is not produced by the build`);
  if (problems.length > 0) {
    console.error(
      `dist/ is out of date (${BUNDLES.length} bundle(s) checked):\n  ${problems.join('\n  ')}\nRun \`npm run build\` and commit dist/.`,
    );
    process.exit(1);
  }
  console.log(`dist/ matches a fresh build (${expected.length} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
