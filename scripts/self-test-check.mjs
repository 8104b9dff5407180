#!/usr/bin/env node
// The check-dist workflow's self-test verdict. Two forms:
//   node scripts/self-test-check.mjs <requests.json>   with PATHS, TAGS, REVALIDATED, FAILED set
//     from the action step's outputs: the action revalidated exactly the self-test change.
//   node scripts/self-test-check.mjs --cli <outputs.json>: the command's dry run computed it.
import { readFileSync } from 'node:fs';
import { deepStrictEqual } from 'node:assert/strict';

const PATHS = ['/blog', '/blog/hello-world', '/blog/old-news'];
const TAGS = ['post:hello-world', 'post:old-news', 'posts', 'self-test'];

const args = process.argv.slice(2);
const read = (file) => JSON.parse(readFileSync(file, 'utf8'));
if (args[0] === '--cli') {
  const outputs = read(args[1]);
  deepStrictEqual(JSON.parse(outputs.paths), PATHS, 'command dry run: paths');
  deepStrictEqual(JSON.parse(outputs.tags), [], 'command dry run: tags');
  deepStrictEqual(outputs.revalidated, '0', 'command dry run: nothing sent');
  console.log('the command computed the self-test targets');
} else {
  const requests = read(args[0]);
  deepStrictEqual(JSON.parse(process.env.PATHS ?? ''), PATHS, 'output paths');
  deepStrictEqual(JSON.parse(process.env.TAGS ?? ''), TAGS, 'output tags');
  deepStrictEqual(process.env.REVALIDATED, String(PATHS.length + TAGS.length), 'output revalidated');
  deepStrictEqual(JSON.parse(process.env.FAILED ?? ''), [], 'output failed');
  const received = requests
    .map((r) => JSON.parse(r.body))
    .map((b) => `${b.type} ${b.value}`)
    .sort();
  const expected = [...PATHS.map((p) => `path ${p}`), ...TAGS.map((t) => `tag ${t}`)].sort();
  deepStrictEqual(received, expected, 'requests the receiver got');
  deepStrictEqual(
    requests.every((r) => r.secretOk),
    true,
    'every request carried the secret',
  );
  console.log(`the receiver got exactly the ${expected.length} expected requests`);
}
