/**
 * Reading files at a commit, for their front matter, through both sources: the git checkout
 * (one `git cat-file --batch`) and the GitHub API (trees + blobs, against the local replay). Both
 * give the same bytes, keep only the first `cap` of a large file, and say why a file is not read.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiSource } from '../../src/changes/api.js';
import { GitSource } from '../../src/changes/git/source.js';
import type { FileRead } from '../../src/changes/source.js';
import { frontMatterPart } from '../../src/frontmatter/parse.js';
import { TestRepo } from '../helpers/git.js';
import { startApiReplay, type ApiReplay } from '../helpers/github-api.js';

const TOKEN = 'ghs_blobs';
let replay: ApiReplay | undefined;
afterEach(async () => {
  await replay?.close();
  replay = undefined;
});

function repoWithFiles() {
  const repo = TestRepo.create();
  repo.write({
    'a.md': '---\nslug: a\n---\nbody',
    'name with\nnewline.md': '---\nslug: nl\n---\n',
    'big.md': `---\nslug: big\n---\n${'x'.repeat(5000)}`,
    'empty.md': '',
    'bin.png': '\x89PNG\r\n\x1a\n\0\0\0',
  });
  symlinkSync('a.md', join(repo.dir, 'link.md'));
  return { repo, head: repo.commit() };
}

const PATHS = ['a.md', 'name with\nnewline.md', 'big.md', 'empty.md', 'bin.png', 'link.md', 'missing.md'];
const text = (r: FileRead | undefined) => (r && 'bytes' in r ? { text: Buffer.from(r.bytes).toString('latin1'), size: r.size } : r);

describe('reading files at a commit', () => {
  it('git: every file through one ls-tree and one cat-file process, the first cap bytes of each', async () => {
    const { repo, head } = repoWithFiles();
    const read = await new GitSource(repo.dir).readFiles(head, PATHS, 100);
    expect(text(read.get('a.md'))).toEqual({ text: '---\nslug: a\n---\nbody', size: 20 });
    expect(text(read.get('name with\nnewline.md'))).toEqual({ text: '---\nslug: nl\n---\n', size: 17 });
    expect(text(read.get('big.md'))).toEqual({ text: `---\nslug: big\n---\n${'x'.repeat(100 - 18)}`, size: 5018 });
    expect(text(read.get('empty.md'))).toEqual({ text: '', size: 0 });
    expect(read.get('bin.png')).toMatchObject({ size: 12 });
    expect(read.get('link.md')).toEqual({ skipped: 'not a file (a symlink)' });
    expect(read.get('missing.md')).toEqual({ skipped: 'no such file' });
    // What the front-matter stage keeps of each: the front matter, not the body.
    const kept = await new GitSource(repo.dir).readFiles(head, ['big.md', 'bin.png'], 10_000, frontMatterPart);
    expect(text(kept.get('big.md'))).toEqual({ text: '---\nslug: big\n---\n', size: 5018 });
    expect(text(kept.get('bin.png'))).toEqual({ text: '', size: 12 });
  });

  it('the API: the same bytes through trees and blobs; a blob over the cap is not fetched', async () => {
    const { repo, head } = repoWithFiles();
    replay = await startApiReplay({ repo: repo.dir, token: TOKEN });
    const source = await createApiSource({ token: TOKEN, repository: 'octo-org/content', apiUrl: replay.url });
    const git = await new GitSource(repo.dir).readFiles(head, PATHS, 10_000);
    const api = await source.readFiles(head, PATHS, 10_000);
    for (const path of ['a.md', 'name with\nnewline.md', 'big.md', 'empty.md', 'bin.png'])
      expect(text(api.get(path))).toEqual(text(git.get(path)));
    expect(api.get('link.md')).toEqual({ skipped: 'not a file (a symlink)' });
    expect(api.get('missing.md')).toEqual({ skipped: 'no such file' });
    const kept = await source.readFiles(head, ['big.md'], 10_000, frontMatterPart);
    expect(text(kept.get('big.md'))).toEqual({ text: '---\nslug: big\n---\n', size: 5018 });
    const small = await source.readFiles(head, ['big.md'], 100);
    expect(small.get('big.md')).toEqual({ skipped: '5018 bytes, more than the 100 bytes read through the GitHub API' });
    // One tree for the commit, asked once; one blob request per file read.
    expect(replay.requests.filter((r) => r.url.includes('/git/trees/'))).toHaveLength(1);
    expect(replay.requests.filter((r) => r.url.includes('/git/blobs/'))).toHaveLength(6);
  });

  it('the API: a stalled blob request ends in an error naming the file and commit, not a hung job', async () => {
    const { repo, head } = repoWithFiles();
    replay = await startApiReplay({ repo: repo.dir, token: TOKEN, stallOn: '/git/blobs/' });
    const source = await createApiSource({ token: TOKEN, repository: 'octo-org/content', apiUrl: replay.url, timeoutMs: 300 });
    await expect(source.readFiles(head, ['a.md'], 1000)).rejects.toThrow(
      `cannot read a.md at ${head.slice(0, 7)} through the GitHub API: the GitHub API did not answer in time`,
    );
  });
});
