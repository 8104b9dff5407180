/**
 * Reads `mapping-file`: a rules file in the workspace, and nothing else. The repository's
 * content decides what this file is (a committed symlink can point anywhere), so the path is
 * resolved to its real location first and refused unless that is inside the workspace. Only a
 * regular file is read: a FIFO would block the job on open and a device would never end. It is
 * opened without blocking and without following a last-moment symlink, checked again through
 * the open handle (it may have been swapped since), and read up to the size limit only.
 */
import { ACTION_NAMES, type Names } from '../inputs.js';
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { MAX_RULES_BYTES, formatBytes } from './rules.js';

export class MappingFileError extends Error {}

export async function readMappingFile(workspace: string, input: string, names: Names = ACTION_NAMES): Promise<string> {
  const where = names.input('mapping-file');
  const requested = resolve(workspace, input);
  const root = await realpath(workspace).catch(() => resolve(workspace));
  let real: string;
  try {
    real = await realpath(requested);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const shown = shortPath(root, requested);
    if (code === 'ENOENT')
      throw new MappingFileError(`${where}: cannot read ${shown} (no such file in the workspace; is the repository checked out?)`, {
        cause: e,
      });
    throw new MappingFileError(`${where}: cannot read ${shown}: ${code ?? String(e)}`, { cause: e });
  }
  if (!isInside(root, real)) {
    throw new MappingFileError(
      `${where}: ${JSON.stringify(input)} resolves to ${real}, outside the workspace ${root}; the rules file must be in the repository (a symlink must not point out of it)`,
    );
  }
  // Looked at before it is opened: opening a device can act on it, and a FIFO waits for a writer.
  const before = await stat(real);
  if (!before.isFile()) throw new MappingFileError(`${where}: ${shortPath(root, real)} is ${kindOf(before)}, not a regular file`);
  let handle;
  try {
    // O_NONBLOCK: if the path became a FIFO since realpath, open returns at once instead of waiting for a writer.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    throw new MappingFileError(`${where}: cannot read ${shortPath(root, real)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      cause: e,
    });
  }
  try {
    // Again through the handle: the path may have been swapped since it was looked at.
    const opened = await handle.stat();
    if (!opened.isFile()) throw new MappingFileError(`${where}: ${shortPath(root, real)} is ${kindOf(opened)}, not a regular file`);
    if (opened.size > MAX_RULES_BYTES) {
      throw new MappingFileError(
        `${where}: ${shortPath(root, real)} is ${formatBytes(opened.size)}; the rules may be at most ${formatBytes(MAX_RULES_BYTES)}`,
      );
    }
    // One byte past the limit is enough to tell a file that grew since the check.
    const buffer = Buffer.alloc(MAX_RULES_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_RULES_BYTES) {
      throw new MappingFileError(
        `${where}: ${shortPath(root, real)} is over ${formatBytes(MAX_RULES_BYTES)}; the rules may be at most ${formatBytes(MAX_RULES_BYTES)}`,
      );
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

function shortPath(root: string, path: string): string {
  return isInside(root, path) ? relative(root, path) || '.' : path;
}

function kindOf(stat: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}
