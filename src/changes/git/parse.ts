/**
 * git's output, read: the diff command whose `-z` output is parsed here, and `git cat-file
 * commit`. Pure: text in, values out. Every path comes from `-z` output, so any file name works.
 */
import type { ChangedFile, FileStatus } from '../../types.js';
import { authoredKey, type CommitInfo } from '../source.js';

/**
 * The tree diff of two commits as the git source reads it: every path from the repository's
 * root (`--no-relative`), so it is the same run from any directory of the checkout.
 */
export function diffArgs(from: string, to: string): string[] {
  return [
    'diff',
    '--name-status',
    '-z',
    '--find-renames',
    '--ignore-submodules=none',
    '--no-ext-diff',
    '--no-textconv',
    '--no-relative',
    '--end-of-options',
    from,
    to,
    '--',
  ];
}

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
  U: 'unmerged',
};

/** Parses `git diff --name-status -z`: `M\0path\0`, `R087\0old\0new\0`. */
export function parseNameStatus(output: string): ChangedFile[] {
  const fields = output.split('\0');
  const files: ChangedFile[] = [];
  let i = 0;
  while (i < fields.length) {
    const code = fields[i];
    if (code === undefined || code === '') break;
    const letter = code[0] ?? '';
    const status = STATUS[letter] ?? 'unknown';
    if (letter === 'R' || letter === 'C') {
      const previousPath = fields[i + 1] ?? '';
      const path = fields[i + 2] ?? '';
      files.push({ path, status, previousPath });
      i += 3;
    } else {
      files.push({ path: fields[i + 1] ?? '', status });
      i += 2;
    }
  }
  return files;
}

/** Parses `git cat-file commit` output. */
export function parseCommit(id: string, text: string): CommitInfo {
  const split = text.indexOf('\n\n');
  const header = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? '' : text.slice(split + 2);
  const parents: string[] = [];
  let author = '';
  for (const line of header.split('\n')) {
    if (line.startsWith('parent ')) parents.push(line.slice(7).trim());
    else if (line.startsWith('author ')) author = line.slice(7);
  }
  return { id, parents, authored: authoredKey(authorFromLine(author), message) };
}

function authorFromLine(line: string): { name: string; email: string; date: string } {
  // "Name <email> 1700000000 +0100"
  const m = /^(.*?) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: '', date: '' };
  return { name: m[1] ?? '', email: m[2] ?? '', date: new Date(Number(m[3]) * 1000).toISOString() };
}
