/**
 * The GitHub API source: works with no checkout at all. The file list comes from the compare
 * endpoint (paginated through its `Link` header), checked against the endpoint's two traps:
 * - it is a three-dot comparison (from the merge base), which differs from the tree diff the
 *   live site differs by whenever `base` is not an ancestor of `head` (a force push);
 * - its file list is capped (300 on the first page, 3,000 at most, by the reports).
 * In either case the exact tree diff is computed from the two commits' recursive trees instead,
 * and when even those are truncated the run fails naming the commit: never a silently shorter list.
 *
 * @actions/github (Octokit) is imported lazily, so a run on the git source never loads it.
 */
import { z } from 'zod';
import { lazy } from '../lazy.js';
import { withoutCredentials } from '../text.js';
import type { ChangedFile, FileStatus } from '../types.js';
import {
  authoredKey,
  ChangesError,
  COMMIT_ID,
  formatZod,
  short,
  UnreadableCommit,
  type CommitInfo,
  type FileRead,
  type KeepPart,
  type Source,
} from './source.js';

export interface ApiOptions {
  token?: string | undefined;
  /** owner/name (GITHUB_REPOSITORY). */
  repository?: string | undefined;
  /** GITHUB_API_URL; Octokit's default (https://api.github.com) when unset. */
  apiUrl?: string | undefined;
  /** Longest wait for one API reply (default 30 s): a stalled API must not hold the job. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** The compare endpoint's documented caps on `files`. */
export const COMPARE_FILES_PER_PAGE = 300;
export const COMPARE_FILES_MAX = 3000;
const PER_PAGE = 100;

/** Why the api source cannot be used, or undefined when it can. */
export function apiUnavailable(options: ApiOptions): string | undefined {
  if (!options.token) return 'the `github-token` input is empty';
  if (!options.repository || !/^[^/\s]+\/[^/\s]+$/.test(options.repository)) return 'GITHUB_REPOSITORY (owner/name) is not set';
  return undefined;
}

// Replies, validated; only the fields we use are required, the rest passes through. Built on
// first use (lazy.ts): a run on the git source never needs them.
const replies = lazy(() => {
  const diffEntry = z
    .object({
      filename: z.string().min(1),
      status: z.string(),
      previous_filename: z.string().min(1).optional(),
    })
    .loose();
  const comparePage = z
    .object({
      status: z.string(),
      total_commits: z.number().int().nonnegative(),
      base_commit: z.object({ sha: z.string() }).loose(),
      merge_base_commit: z.object({ sha: z.string() }).loose(),
      files: z.array(diffEntry).optional(),
    })
    .loose();
  const gitCommit = z
    .object({
      sha: z.string(),
      tree: z.object({ sha: z.string() }).loose(),
      parents: z.array(z.object({ sha: z.string() }).loose()),
      author: z.object({ name: z.string(), email: z.string(), date: z.string() }).loose(),
      message: z.string(),
    })
    .loose();
  const refCommit = z.object({ sha: z.string() }).loose();
  const gitTree = z
    .object({
      sha: z.string(),
      truncated: z.boolean(),
      tree: z.array(
        z
          .object({
            path: z.string(),
            mode: z.string(),
            type: z.string(),
            sha: z.string(),
            size: z.number().int().nonnegative().optional(),
          })
          .loose(),
      ),
    })
    .loose();
  const gitBlob = z
    .object({ sha: z.string(), size: z.number().int().nonnegative(), encoding: z.enum(['base64', 'utf-8']), content: z.string() })
    .loose();
  return { diffEntry, comparePage, gitCommit, refCommit, gitTree, gitBlob };
});
type Replies = ReturnType<typeof replies>;

export type DiffEntry = z.infer<Replies['diffEntry']>;
export type ComparePage = z.infer<Replies['comparePage']>;
export interface TreeEntry {
  path: string;
  mode: string;
  type: string;
  sha: string;
  /** Blobs' size in bytes (the trees API gives it for blobs). */
  size?: number | undefined;
}

/** Blob requests in flight at once when reading files' front matter. */
const BLOB_CONCURRENCY = 8;

/** What the compare endpoint said, all pages together. */
export interface CompareResult {
  status: string;
  mergeBase: string;
  totalCommits: number;
  files: ChangedFile[];
  /** Files per page that carried any, in order: tells a capped list from a complete one. */
  filesPerPage: number[];
  unchanged: string[];
}

/** Validates one compare reply (pure); throws naming the page and the field that is off. */
export function parseComparePage(data: unknown, page = 1): ComparePage {
  const parsed = replies().comparePage.safeParse(data);
  if (!parsed.success)
    throw new ChangesError(`the compare API's reply (page ${page}) is not what it documents: ${formatZod(parsed.error)}`);
  return parsed.data;
}

/** Folds compare pages into one result (pure). */
export function foldComparePages(pages: ComparePage[]): CompareResult {
  const first = pages[0];
  if (!first) throw new ChangesError('the compare API returned no page');
  const files: ChangedFile[] = [];
  const seen = new Set<string>();
  const filesPerPage: number[] = [];
  const unchanged: string[] = [];
  for (const page of pages) {
    if (!page.files || page.files.length === 0) continue;
    filesPerPage.push(page.files.length);
    for (const entry of page.files) {
      const key = `${entry.previous_filename ?? ''}\0${entry.filename}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const file = fromDiffEntry(entry);
      if (file) files.push(file);
      else unchanged.push(entry.filename);
    }
  }
  return {
    status: first.status,
    mergeBase: first.merge_base_commit.sha,
    totalCommits: first.total_commits,
    files,
    filesPerPage,
    unchanged,
  };
}

/**
 * Whether the compare list may have been cut short: it reached the 3,000 cap, or the last page
 * that carried files was full (300), with no later page to say there were no more.
 */
export function mayBeCapped(result: CompareResult): boolean {
  const last = result.filesPerPage[result.filesPerPage.length - 1] ?? 0;
  const total = result.filesPerPage.reduce((a, b) => a + b, 0);
  return total >= COMPARE_FILES_MAX || last >= COMPARE_FILES_PER_PAGE;
}

const API_STATUS: Record<string, FileStatus> = {
  added: 'added',
  removed: 'deleted',
  modified: 'modified',
  renamed: 'renamed',
  copied: 'copied',
  // GitHub says `changed` where git says T (a file became a symlink or a submodule, or back).
  changed: 'type-changed',
};

/** One compare `files[]` entry → ChangedFile; undefined for `unchanged`. */
export function fromDiffEntry(entry: DiffEntry): ChangedFile | undefined {
  if (entry.status === 'unchanged') return undefined;
  const status = API_STATUS[entry.status] ?? 'unknown';
  if ((status === 'renamed' || status === 'copied') && entry.previous_filename) {
    return { path: entry.filename, status, previousPath: entry.previous_filename };
  }
  return { path: entry.filename, status };
}

/** Exact tree diff of two recursive trees (pure). Directories are skipped; submodules are entries. */
export function diffTrees(base: TreeEntry[], head: TreeEntry[]): ChangedFile[] {
  const before = new Map(base.filter((e) => e.type !== 'tree').map((e) => [e.path, e]));
  const files: ChangedFile[] = [];
  const after = head.filter((e) => e.type !== 'tree');
  for (const entry of after) {
    const old = before.get(entry.path);
    before.delete(entry.path);
    if (!old) files.push({ path: entry.path, status: 'added' });
    else if (kind(old.mode) !== kind(entry.mode)) files.push({ path: entry.path, status: 'type-changed' });
    else if (old.sha !== entry.sha || old.mode !== entry.mode) files.push({ path: entry.path, status: 'modified' });
  }
  for (const old of before.values()) files.push({ path: old.path, status: 'deleted' });
  // git's order: by path, byte-wise.
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function kind(mode: string): string {
  if (mode === '120000') return 'symlink';
  if (mode === '160000') return 'submodule';
  return 'file';
}

export interface Octokit {
  hook: {
    wrap(
      name: 'request',
      wrapper: (request: (o: { request?: object }) => Promise<unknown>, options: { request?: object }) => Promise<unknown>,
    ): void;
  };
  request(route: string, params: Record<string, unknown>): Promise<{ data: unknown }>;
  paginate: {
    iterator(route: string, params: Record<string, unknown>): AsyncIterable<{ data: unknown }>;
  };
}

/**
 * The API client, loaded on first use (a run on the git source never loads it). Every request,
 * pages of a paginated one included, gets its own deadline; the client's own request options
 * (proxy-aware fetch) are kept. Also used by last-success.ts for the Actions endpoints.
 */
export async function loadOctokit(options: ApiOptions): Promise<Octokit> {
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(
    options.token as string,
    options.apiUrl ? { baseUrl: options.apiUrl.replace(/\/+$/, '') } : {},
  ) as unknown as Octokit;
  const timeoutMs = options.timeoutMs ?? 30_000;
  octokit.hook.wrap('request', (request, opts) => {
    opts.request = { ...opts.request, signal: AbortSignal.timeout(timeoutMs) };
    return request(opts);
  });
  return octokit;
}

export async function createApiSource(options: ApiOptions): Promise<ApiSource> {
  const missing = apiUnavailable(options);
  if (missing) throw new ChangesError(`the GitHub API source cannot be used: ${missing}`);
  const octokit = await loadOctokit(options);
  const [owner, repo] = (options.repository as string).split('/') as [string, string];
  return new ApiSource(octokit, owner, repo, options.log ?? (() => {}));
}

export class ApiSource implements Source {
  readonly name = 'api' as const;
  private readonly commits = new Map<string, z.infer<Replies['gitCommit']>>();
  private readonly trees = new Map<string, Promise<TreeEntry[]>>();

  constructor(
    private readonly octokit: Octokit,
    private readonly owner: string,
    private readonly repo: string,
    private readonly log: (line: string) => void,
  ) {}

  private async get<T>(route: string, params: Record<string, unknown>, schema: z.ZodType<T>, what: string): Promise<T> {
    const { data } = await this.octokit.request(route, { owner: this.owner, repo: this.repo, ...params });
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new ChangesError(`the GitHub API's reply for ${what} is not what it documents: ${formatZod(parsed.error)}`);
    return parsed.data;
  }

  private async gitCommit(id: string): Promise<z.infer<Replies['gitCommit']>> {
    const cached = this.commits.get(id.toLowerCase());
    if (cached) return cached;
    try {
      const c = await this.get(
        'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
        { commit_sha: id },
        replies().gitCommit,
        `commit ${id}`,
      );
      this.commits.set(id.toLowerCase(), c);
      return c;
    } catch (e) {
      throw unreadable(id, e);
    }
  }

  async resolve(rev: string): Promise<string> {
    const parent = /^(.+)\^1?$/.exec(rev);
    if (parent?.[1]) return this.ancestor(await this.resolve(parent[1]), 1);
    if (COMMIT_ID.test(rev)) return (await this.gitCommit(rev)).sha;
    try {
      return (await this.get('GET /repos/{owner}/{repo}/commits/{ref}', { ref: rev, per_page: 1 }, replies().refCommit, `ref ${rev}`)).sha;
    } catch (e) {
      throw unreadable(rev, e);
    }
  }

  async commit(id: string): Promise<CommitInfo> {
    const c = await this.gitCommit(await this.resolve(id));
    return { id: c.sha, parents: c.parents.map((p) => p.sha), authored: authoredKey(c.author, c.message) };
  }

  async ancestor(id: string, n: number): Promise<string> {
    let at = await this.resolve(id);
    for (let i = 0; i < n; i++) {
      const parent = (await this.gitCommit(at)).parents[0]?.sha;
      if (!parent) throw new UnreadableCommit(`${id}~${n}`, 'api', `${id} has fewer than ${n} first-parent ancestors`);
      at = parent;
    }
    return at;
  }

  async mergeBase(branch: string, head: string): Promise<string | undefined> {
    const tip = await this.resolve(head);
    let page: ComparePage;
    try {
      page = await this.get(
        'GET /repos/{owner}/{repo}/compare/{basehead}',
        { basehead: `${branch}...${tip}`, per_page: 1 },
        replies().comparePage,
        `compare ${branch}...${short(tip)}`,
      );
    } catch (e) {
      if (statusOf(e) === 404) return undefined; // no common history (or no such branch)
      throw e;
    }
    return page.merge_base_commit.sha || undefined;
  }

  /** Whether `ancestor` is `descendant` or one of its ancestors: the compare API's status says (ahead or identical). */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const [from, to] = [await this.resolve(ancestor), await this.resolve(descendant)];
    const page = await this.get(
      'GET /repos/{owner}/{repo}/compare/{basehead}',
      { basehead: `${from}...${to}`, per_page: 1 },
      replies().comparePage,
      `compare ${short(from)}...${short(to)}`,
    );
    return page.status === 'ahead' || page.status === 'identical';
  }

  async diff(base: string | null, head: string): Promise<ChangedFile[]> {
    const to = await this.resolve(head);
    if (base === null) return diffTrees([], await this.tree(to));
    const from = await this.resolve(base);
    let result: CompareResult;
    try {
      result = await this.compare(from, to);
    } catch (e) {
      if (e instanceof UnreadableCommit) throw e;
      this.log(`the compare API could not compare ${short(from)}...${short(to)} (${messageOf(e)}): diffing the two commits' trees instead`);
      return this.treeDiff(from, to);
    }
    if (result.mergeBase.toLowerCase() !== from.toLowerCase()) {
      this.log(
        `the compare API diffs from the merge base ${short(result.mergeBase)}, but ${short(from)} is not an ancestor of ${short(to)} (status ${result.status}, a force push or an unrelated base): diffing the two commits' trees instead`,
      );
      return this.treeDiff(from, to);
    }
    if (mayBeCapped(result)) {
      this.log(
        `the compare API's file list may be capped (${result.filesPerPage.join(' + ')} files; it stops at ${COMPARE_FILES_PER_PAGE} per page and ${COMPARE_FILES_MAX} in all): diffing the two commits' trees instead`,
      );
      return this.treeDiff(from, to);
    }
    if (result.unchanged.length > 0)
      this.log(
        `the compare API listed ${result.unchanged.length} file(s) as unchanged; not counted: ${result.unchanged.slice(0, 5).join(', ')}`,
      );
    this.log(
      `compare API: ${result.totalCommits} commit(s), ${result.files.length} changed file(s) in ${result.filesPerPage.length || 1} page(s) with files`,
    );
    return result.files;
  }

  private async compare(from: string, to: string): Promise<CompareResult> {
    const pages: ComparePage[] = [];
    try {
      for await (const response of this.octokit.paginate.iterator('GET /repos/{owner}/{repo}/compare/{basehead}', {
        owner: this.owner,
        repo: this.repo,
        basehead: `${from}...${to}`,
        per_page: PER_PAGE,
      })) {
        pages.push(parseComparePage(response.data, pages.length + 1));
      }
    } catch (e) {
      if (statusOf(e) === 404) {
        // Name the commit that is missing, not just "Not Found".
        await this.gitCommit(from);
        await this.gitCommit(to);
      }
      throw e;
    }
    return foldComparePages(pages);
  }

  private async treeDiff(from: string, to: string): Promise<ChangedFile[]> {
    const [a, b] = await Promise.all([this.tree(from), this.tree(to)]);
    const files = diffTrees(a, b);
    this.log(
      `trees of ${short(from)} and ${short(to)}: ${files.length} changed file(s) (renames appear as a deletion and an addition; both names are mapped)`,
    );
    return files;
  }

  /**
   * Each file's blob through `git/blobs/{sha}`, found in the commit's recursive tree (asked once
   * per commit). A blob over `cap` is not fetched: the API sends a blob whole, and front matter
   * sits in a file's first bytes. A failed request fails the run, as a failed compare does:
   * a guess at a page's address is no answer.
   */
  async readFiles(commit: string, paths: string[], cap: number, keep?: KeepPart): Promise<Map<string, FileRead>> {
    const read = new Map<string, FileRead>();
    if (paths.length === 0) return read;
    const id = await this.resolve(commit);
    const entries = new Map((await this.tree(id)).map((e) => [e.path, e]));
    const queue = [...paths];
    const worker = async () => {
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        const entry = entries.get(path);
        if (!entry) read.set(path, { skipped: 'no such file' });
        else if (entry.type !== 'blob' || entry.mode === '120000')
          read.set(path, { skipped: `not a file (a ${entry.mode === '120000' ? 'symlink' : entry.type})` });
        else if (entry.size !== undefined && entry.size > cap)
          read.set(path, { skipped: `${entry.size} bytes, more than the ${cap} bytes read through the GitHub API` });
        else {
          const blob = await this.blob(entry.sha, path, id, cap);
          read.set(path, keep && 'bytes' in blob ? { bytes: keep(blob.bytes), size: blob.size } : blob);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BLOB_CONCURRENCY, paths.length) }, worker));
    return read;
  }

  private async blob(sha: string, path: string, commit: string, cap: number): Promise<FileRead> {
    let blob: z.infer<Replies['gitBlob']>;
    try {
      blob = await this.get('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { file_sha: sha }, replies().gitBlob, `the blob of ${path}`);
    } catch (e) {
      if (e instanceof ChangesError) throw e;
      throw new ChangesError(`cannot read ${path} at ${short(commit)} through the GitHub API: ${messageOf(e)}`);
    }
    const bytes = blob.encoding === 'base64' ? Buffer.from(blob.content, 'base64') : Buffer.from(blob.content, 'utf8');
    return { bytes: bytes.subarray(0, cap), size: blob.size };
  }

  private tree(commit: string): Promise<TreeEntry[]> {
    let tree = this.trees.get(commit);
    if (!tree) {
      tree = this.fetchTree(commit);
      this.trees.set(commit, tree);
    }
    return tree;
  }

  private async fetchTree(commit: string): Promise<TreeEntry[]> {
    const treeSha = (await this.gitCommit(commit)).tree.sha;
    const t = await this.get(
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
      { tree_sha: treeSha, recursive: '1' },
      replies().gitTree,
      `the tree of ${short(commit)}`,
    );
    if (t.truncated) {
      throw new ChangesError(
        `the exact file list cannot be had through the GitHub API: the tree of commit ${commit} is too large for one trees API reply (truncated). Add actions/checkout before this step so the git source can diff it`,
      );
    }
    return t.tree;
  }
}

export function statusOf(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'status' in e && typeof e.status === 'number' ? e.status : undefined;
}

export function messageOf(e: unknown): string {
  const status = statusOf(e);
  // A network error names the URL it asked: never with credentials in it.
  const message = withoutCredentials(e instanceof Error ? e.message : String(e));
  // Octokit reports its own abort as a 500; it is no reply at all.
  if (/aborted due to timeout/i.test(message)) return `the GitHub API did not answer in time (${message})`;
  return status ? `HTTP ${status}: ${message}` : message;
}

function unreadable(id: string, e: unknown): Error {
  const status = statusOf(e);
  if (status === 404 || status === 422)
    return new UnreadableCommit(id, 'api', `the API answered ${status} (${e instanceof Error ? e.message : ''})`);
  if (e instanceof ChangesError || e instanceof UnreadableCommit) return e;
  return new UnreadableCommit(id, 'api', messageOf(e), true);
}
