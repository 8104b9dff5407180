/**
 * The front-matter stage: reads, through the change's own source (git or the API), exactly the
 * files and sides the mapping needs (mapping/needs.ts), and parses their front matter. What it
 * hands the mapping is plain values: file and side → what the front matter holds.
 */
import type { FileRead, Source } from '../changes/source.js';
import { short } from '../changes/source.js';
import type { FrontMatterNeeds } from '../mapping/needs.js';
import { frontMatterKey, type ChangeSet, type FrontMatter, type FrontMatterIndex, type Side } from '../types.js';
import { FRONT_MATTER_CAP, frontMatterPart, parseFrontMatter } from './parse.js';

export interface FrontMatterRead {
  index: FrontMatterIndex;
  warnings: string[];
  /** Files read per side, for the log. */
  read: Record<Side, number>;
}

/** Warnings about single files shown at most; past that, one line counts the rest. */
const MAX_FILE_WARNINGS = 20;

export async function readFrontMatter(source: Source | undefined, changes: ChangeSet, needs: FrontMatterNeeds): Promise<FrontMatterRead> {
  const index: FrontMatterIndex = new Map();
  const warnings: string[] = [];
  const read = { base: 0, head: 0 };
  if (needs.base.length + needs.head.length === 0) return { index, warnings, read };
  const commits: Record<Side, string | undefined> = { base: changes.base, head: changes.head };
  if (!source || !commits.head) {
    warnings.push(
      `front matter not read: ${changes.source === 'explicit' ? 'the changed files were named explicitly, with no commits to read them at' : 'no commits to read the files at'}; templates with fm. fall back, or give no target`,
    );
    return { index, warnings, read };
  }
  const fileWarnings: string[] = [];
  // Both sides at once: through git two processes side by side, through the API twice the requests in flight.
  const sides = (['base', 'head'] as const).filter((side) => needs[side].length > 0 && commits[side]);
  const files = await Promise.all(
    sides.map((side) => source.readFiles(commits[side] as string, needs[side], FRONT_MATTER_CAP, frontMatterPart)),
  );
  const seen = new Map<string, FrontMatter>();
  for (const [i, side] of sides.entries()) {
    const commit = commits[side] as string;
    const paths = needs[side];
    read[side] = paths.length;
    for (const path of paths) {
      const fm = frontMatterOf(files[i]?.get(path), seen);
      index.set(frontMatterKey(side, path), fm);
      if (fm.kind === 'broken') fileWarnings.push(`${path} at ${side} (${short(commit)}), ${fm.problem}; its fm. templates fall back`);
      else if (fm.kind === 'unread')
        fileWarnings.push(`${path} at ${side} (${short(commit)}): front matter not read: ${fm.reason}; its fm. templates fall back`);
    }
  }
  if (fileWarnings.length > MAX_FILE_WARNINGS) {
    const more = fileWarnings.length - (MAX_FILE_WARNINGS - 1);
    warnings.push(...fileWarnings.slice(0, MAX_FILE_WARNINGS - 1), `… and ${more} more files whose front matter could not be used`);
  } else warnings.push(...fileWarnings);
  return { index, warnings, read };
}

function frontMatterOf(file: FileRead | undefined, seen: Map<string, FrontMatter>): FrontMatter {
  if (!file) return { kind: 'unread', reason: 'the source did not return it' };
  if ('skipped' in file) return { kind: 'unread', reason: file.skipped };
  return parseFrontMatter(file.bytes, file.bytes.length >= file.size, seen);
}
