#!/usr/bin/env node
// Cuts a release: tags v<version> and moves the major tag (v1) to it, after checking that the
// commit is releasable. See RELEASING.md.
//
//   node scripts/release.mjs 1.2.3            check, then create v1.2.3 and move v1 (local tags)
//   node scripts/release.mjs 1.2.3 --push     ... and push both tags to origin
//   node scripts/release.mjs 1.2.3 --dry-run  check and say what would happen; change nothing
//
// Checks, each with a message saying how to fix it: the version is x.y.z and above every
// existing v<major>.*.* tag; the tag does not exist yet; the working tree is clean;
// package.json has this version; CHANGELOG.md has a "## <version>" section; dist/ equals a
// fresh build (the repository's own scripts/check-dist.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const version = args.find((a) => !a.startsWith('--'));
const push = args.includes('--push');
const dryRun = args.includes('--dry-run');
const unknown = args.filter((a) => a.startsWith('--') && !['--push', '--dry-run'].includes(a));

const fail = (message) => {
  console.error(`release: ${message}`);
  process.exit(1);
};
const git = (...a) => execFileSync('git', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

if (unknown.length > 0) fail(`unknown option ${unknown[0]}; usage: node scripts/release.mjs <x.y.z> [--push] [--dry-run]`);
if (!version) fail('usage: node scripts/release.mjs <x.y.z> [--push] [--dry-run]');
const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
if (!m) fail(`"${version}" is not a version such as 1.2.3 (no "v", no pre-release suffix)`);
const parts = m.slice(1).map(Number);
const tag = `v${version}`;
const major = `v${parts[0]}`;

const tags = git('tag', '--list').split('\n').filter(Boolean);
if (tags.includes(tag)) fail(`${tag} already exists; a released version is never moved, release the next one`);
const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
const released = tags
  .map((t) => /^v(\d+)\.(\d+)\.(\d+)$/.exec(t))
  .filter((x) => x && Number(x[1]) === parts[0])
  .map((x) => x.slice(1).map(Number))
  .sort(compare);
const latest = released.at(-1);
if (latest && compare(parts, latest) <= 0) fail(`${tag} is not above the latest ${major} release, v${latest.join('.')}`);

// Untracked files do not change the commit being tagged; changes to tracked ones would.
if (git('status', '--porcelain', '--untracked-files=no') !== '')
  fail('the working tree has uncommitted changes; commit or stash them first');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
if (pkg.version !== version) fail(`package.json says version ${pkg.version}; set it to ${version} and commit`);
const changelog = existsSync('CHANGELOG.md') ? readFileSync('CHANGELOG.md', 'utf8') : '';
if (!new RegExp(`^## \\[?${version.replace(/\./g, '\\.')}\\]?( |$)`, 'm').test(changelog)) {
  fail(`CHANGELOG.md has no "## ${version}" section; move the "Unreleased" notes under it and commit`);
}
const dist = spawnSync(process.execPath, ['scripts/check-dist.mjs'], { encoding: 'utf8' });
if (dist.status !== 0) fail(`dist/ does not match a fresh build:\n${(dist.stderr || dist.stdout).trim()}`);

const head = git('rev-parse', 'HEAD');
const previous = tags.includes(major) ? git('rev-list', '-n', '1', major) : undefined;
const steps = [
  ['tag', '--annotate', tag, '--message', `${tag}`, head],
  ['tag', '--force', '--annotate', major, '--message', `${major}: ${tag}`, head],
  ...(push
    ? [
        ['push', 'origin', `refs/tags/${tag}`],
        ['push', '--force', 'origin', `refs/tags/${major}`],
      ]
    : []),
];
console.log(`release ${tag} at ${head.slice(0, 12)}; ${major} ${previous ? `moves from ${previous.slice(0, 12)}` : 'is created'}`);
for (const step of steps) {
  console.log(`  git ${step.join(' ')}`);
  if (!dryRun) git(...step);
}
if (dryRun) console.log('dry run: nothing changed');
else if (!push)
  console.log(`tags created locally; publish them with:\n  git push origin refs/tags/${tag} && git push --force origin refs/tags/${major}`);
