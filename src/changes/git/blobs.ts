/**
 * Many files at a commit in one `git cat-file --batch` process: one start-up for all of them
 * (each git process costs one of its own, bench/README.md). Only the first `cap` bytes of each
 * object are kept; the rest streams past, so a large or binary file costs no memory.
 *
 * The blobs are asked for by id, found in one `git ls-tree -r` of the commit: asked as
 * `<commit>:<path>`, git looks each path up in the tree anew, a scan of the whole folder per
 * file, which made 2,000 files in one folder take 2 s and 22,000 a minute.
 */
import { spawn } from 'node:child_process';
import type { FileRead, KeepPart } from '../source.js';
import { GitError, gitMessage, runGit } from './run.js';

/** The first `cap` bytes of each of `paths` at `commit`. */
export async function readBlobs(
  cwd: string,
  commit: string,
  paths: string[],
  cap: number,
  keep?: KeepPart,
): Promise<Map<string, FileRead>> {
  const tree = await runGit(cwd, ['ls-tree', '-r', '-z', '--full-tree', '--end-of-options', commit]);
  if (tree.code !== 0) throw new GitError(`git ls-tree ${commit} failed: ${gitMessage(tree.stderr)}`);
  const entries = parseTree(tree.stdout);
  const results = new Map<string, FileRead>();
  const wanted: Array<{ path: string; id: string }> = [];
  for (const path of paths) {
    const entry = entries.get(path);
    if (!entry) results.set(path, { skipped: 'no such file' });
    else if (entry.type !== 'blob' || entry.mode === '120000')
      results.set(path, { skipped: `not a file (a ${entry.mode === '120000' ? 'symlink' : entry.type})` });
    else wanted.push({ path, id: entry.id });
  }
  if (wanted.length === 0) return results;
  const read = await catFile(
    cwd,
    commit,
    wanted.map((w) => w.id),
    wanted.map((w) => w.path),
    cap,
    keep,
  );
  for (const [path, r] of read) results.set(path, r);
  return results;
}

/** `git ls-tree -r -z`: `<mode> <type> <id>\t<path>\0` per entry. */
export function parseTree(output: string): Map<string, { mode: string; type: string; id: string }> {
  const entries = new Map<string, { mode: string; type: string; id: string }>();
  for (const record of output.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', type = '', id = ''] = record.slice(0, tab).split(' ');
    entries.set(record.slice(tab + 1), { mode, type, id });
  }
  return entries;
}

/** The objects `ids` (answered in order) through one `git cat-file --batch`. */
function catFile(
  cwd: string,
  commit: string,
  ids: string[],
  paths: string[],
  cap: number,
  keep?: KeepPart,
): Promise<Map<string, FileRead>> {
  const specs = ids;
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', `safe.directory=${cwd}`, 'cat-file', '--batch', '--buffer'], {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', GIT_ASKPASS: '', SSH_ASKPASS: '', LC_ALL: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const reader = new BatchReader(specs, paths, cap, keep);
    const err: Buffer[] = [];
    child.stdin.on('error', () => {});
    child.stdin.end(specs.map((s) => `${s}\n`).join(''));
    child.stdout.on('data', (d: Buffer) => reader.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new GitError(`could not run git: ${e.message}`)));
    child.on('close', (code) => {
      if (code !== 0 || !reader.done()) {
        const said = gitMessage(Buffer.concat(err).toString('utf8'));
        reject(new GitError(`git cat-file --batch at ${commit} failed: ${said || `git exited with ${code ?? 'a signal'}`}`));
        return;
      }
      resolve(reader.results);
    });
  });
}

/** An object's header; a missing object's line ends in `missing` or `ambiguous`, never a type. */
const HEADER = /^[0-9a-f]{40,64} (blob|tree|commit|tag) (\d+)$/;

/**
 * Reads `--batch` output as it arrives: for each spec, either `<spec> missing` (or
 * `ambiguous`), or a header `<oid> <type> <size>`, that many bytes and a newline.
 */
export class BatchReader {
  readonly results = new Map<string, FileRead>();
  private index = 0;
  private pending = Buffer.alloc(0);
  /** The object being read: bytes still to come, what is kept of it. */
  private body: { remaining: number; size: number; type: string; kept: Buffer[]; keptLength: number } | undefined;

  constructor(
    private readonly specs: string[],
    private readonly paths: string[],
    private readonly cap: number,
    private readonly keep?: KeepPart,
  ) {}

  done(): boolean {
    return this.index === this.specs.length && this.body === undefined;
  }

  push(chunk: Buffer): void {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.body) {
        const b = this.body;
        if (b.remaining > 0) {
          const take = Math.min(b.remaining, data.length);
          if (b.keptLength < this.cap) {
            // A view, not a copy: each chunk is a buffer of its own, and finish() copies once.
            const keep = data.subarray(0, Math.min(take, this.cap - b.keptLength));
            b.kept.push(keep);
            b.keptLength += keep.length;
          }
          b.remaining -= take;
          data = data.subarray(take);
          continue;
        }
        // The newline after the object.
        data = data.subarray(1);
        this.finish(b);
        continue;
      }
      const spec = this.specs[this.index];
      if (spec === undefined) return;
      // Most lines are headers, `<oid> <type> <size>`: read at once, with no buffers made per spec.
      const headerEnd = data.indexOf(0x0a);
      if (headerEnd !== -1) {
        const header = HEADER.exec(data.toString('latin1', 0, headerEnd));
        if (header) {
          const size = Number(header[2]);
          this.body = { remaining: size, size, type: header[1] ?? '', kept: [], keptLength: 0 };
          data = data.subarray(headerEnd + 1);
          continue;
        }
      }
      // A missing object's line repeats the spec, which may itself hold a newline: matched whole.
      let skipped = false;
      for (const word of [' missing\n', ' ambiguous\n']) {
        const expected = Buffer.from(spec + word);
        if (data.length < expected.length) {
          if (expected.subarray(0, data.length).equals(data)) {
            this.pending = Buffer.from(data);
            return;
          }
          continue;
        }
        if (data.subarray(0, expected.length).equals(expected)) {
          this.results.set(this.paths[this.index] ?? '', { skipped: word === ' missing\n' ? 'no such file' : 'an ambiguous name' });
          this.index++;
          data = data.subarray(expected.length);
          skipped = true;
          break;
        }
      }
      if (skipped) continue;
      const lineEnd = data.indexOf(0x0a);
      if (lineEnd === -1) {
        this.pending = Buffer.from(data);
        return;
      }
      const [, type = '', size = '0'] = data.subarray(0, lineEnd).toString('utf8').split(' ');
      this.body = { remaining: Number(size), size: Number(size), type, kept: [], keptLength: 0 };
      data = data.subarray(lineEnd + 1);
    }
  }

  private finish(b: NonNullable<BatchReader['body']>): void {
    const path = this.paths[this.index] ?? '';
    this.results.set(
      path,
      b.type === 'blob'
        ? { bytes: this.keep ? this.keep(Buffer.concat(b.kept)) : Buffer.concat(b.kept), size: b.size }
        : { skipped: `not a file (a ${b.type})` },
    );
    this.body = undefined;
    this.index++;
  }
}
