/**
 * A change source made of plain values: commits with their parents, what a rebase keeps of them
 * (the authored key), and their trees as file lists. No git, no API: the range rules in
 * collect.ts run against it as pure logic. It answers the `Source` questions the way the real
 * sources do (first parents, merge bases, a tree diff), and fails with `UnreadableCommit` where
 * they would.
 */
import { UnreadableCommit, type CommitInfo, type FileRead, type Source } from '../../src/changes/source.js';
import type { ChangedFile } from '../../src/types.js';

export interface MemoryCommit {
  /** First parent first, as git orders them. None: a root commit. */
  parents?: string[];
  /** What a rebase keeps (author, date, message); by default one of its own per commit. */
  authored?: string;
  /** The commit's whole tree: path → content. */
  files: Record<string, string>;
}

export class MemorySource implements Source {
  readonly name = 'git' as const;
  /** Every question asked, in order (`commit x`, `ancestor x 3`, …): what a range rule needed to know. */
  readonly asked: string[] = [];

  constructor(
    private readonly commits: Record<string, MemoryCommit>,
    /** Branch name → the commit at its tip. */
    private readonly branches: Record<string, string> = {},
  ) {}

  private get(id: string): MemoryCommit {
    const commit = this.commits[id];
    if (!commit) throw new UnreadableCommit(id, this.name, 'not in this history');
    return commit;
  }

  async resolve(rev: string): Promise<string> {
    this.asked.push(`resolve ${rev}`);
    return this.resolveNow(rev);
  }

  private resolveNow(rev: string): string {
    const parent = /^(.+)\^1?$/.exec(rev);
    if (parent?.[1]) return this.ancestorNow(this.resolveNow(parent[1]), 1);
    if (this.commits[rev]) return rev;
    const tip = this.branches[rev];
    if (tip) return tip;
    throw new UnreadableCommit(rev, this.name, 'names no commit in this history');
  }

  async commit(id: string): Promise<CommitInfo> {
    this.asked.push(`commit ${id}`);
    const full = this.resolveNow(id);
    const c = this.get(full);
    return { id: full, parents: c.parents ?? [], authored: c.authored ?? `authored ${full}` };
  }

  async ancestor(id: string, n: number): Promise<string> {
    this.asked.push(`ancestor ${id} ${n}`);
    return this.ancestorNow(this.resolveNow(id), n);
  }

  private ancestorNow(id: string, n: number): string {
    let at = id;
    for (let i = 0; i < n; i++) {
      const parent = this.get(at).parents?.[0];
      if (!parent) throw new UnreadableCommit(`${id}~${n}`, this.name, `${id} has fewer than ${n} first-parent ancestors`);
      at = parent;
    }
    return at;
  }

  /** The nearest commit (breadth first from `head`) that the branch's tip also reaches. */
  async mergeBase(branch: string, head: string): Promise<string | undefined> {
    this.asked.push(`mergeBase ${branch} ${head}`);
    const tip = this.branches[branch];
    if (!tip) throw new UnreadableCommit(branch, this.name, 'no such branch');
    const onBranch = this.reachable(tip);
    const queue = [this.resolveNow(head)];
    const seen = new Set<string>();
    for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
      if (onBranch.has(at)) return at;
      if (seen.has(at)) continue;
      seen.add(at);
      queue.push(...(this.get(at).parents ?? []));
    }
    return undefined;
  }

  private reachable(from: string): Set<string> {
    const seen = new Set<string>();
    const stack = [from];
    for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
      if (seen.has(at)) continue;
      seen.add(at);
      stack.push(...(this.get(at).parents ?? []));
    }
    return seen;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    this.asked.push(`isAncestor ${ancestor} ${descendant}`);
    return this.reachable(this.resolveNow(descendant)).has(this.resolveNow(ancestor));
  }

  /** The tree diff, sorted by path; renames show as a deletion and an addition (no detection). */
  async diff(base: string | null, head: string): Promise<ChangedFile[]> {
    this.asked.push(`diff ${base} ${head}`);
    const before = base === null ? {} : this.get(this.resolveNow(base)).files;
    const after = this.get(this.resolveNow(head)).files;
    const files: ChangedFile[] = [];
    for (const path of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const [a, b] = [before[path], after[path]];
      if (a === undefined) files.push({ path, status: 'added' });
      else if (b === undefined) files.push({ path, status: 'deleted' });
      else if (a !== b) files.push({ path, status: 'modified' });
    }
    return files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  }

  async readFiles(commit: string, paths: string[], cap: number): Promise<Map<string, FileRead>> {
    this.asked.push(`read ${commit} ${paths.length}`);
    const files = this.get(this.resolveNow(commit)).files;
    const read = new Map<string, FileRead>();
    for (const path of paths) {
      const text = files[path];
      if (text === undefined) read.set(path, { skipped: 'no such file' });
      else {
        const bytes = Buffer.from(text);
        read.set(path, { bytes: bytes.subarray(0, cap), size: bytes.length });
      }
    }
    return read;
  }
}
