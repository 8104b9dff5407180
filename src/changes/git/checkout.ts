/**
 * Whether the workspace is a checkout of the event's repository, and which of the event's
 * commits it already has: asked before the git source is used.
 *
 * Each git process costs a start-up of its own, and on a push these questions were most of the
 * action's own start-up (bench/README.md): the origin's URL is asked alongside, and the commits
 * in the same `rev-parse` as the work tree.
 */
import { COMMIT_ID } from '../source.js';
import { gitMessage, runGit, type GitResult } from './run.js';

export type CheckoutState = { ok: true; root: string; present: Set<string> } | { ok: false; reason: string };

/**
 * Whether `cwd` is a checkout of `repository` (owner/name). A checkout whose `origin` points at
 * another repository on the same GitHub server does not count: its history is not the event's.
 * Also tells which of `commits` (full ids) the checkout already has (`present`).
 *
 * When a commit is missing (a shallow checkout) the one `rev-parse` fails as a whole; then the
 * work tree and the commits are asked apart.
 */
export async function checkoutState(
  cwd: string,
  repository?: string,
  serverUrl = 'https://github.com',
  commits: string[] = [],
): Promise<CheckoutState> {
  const wanted = wantedCommits(commits);
  // The URL is only looked at once rev-parse has said this is a checkout.
  const originQuery = repository ? runGit(cwd, ['config', '--get', 'remote.origin.url']).catch(() => undefined) : undefined;
  const treeArgs = ['rev-parse', '--is-inside-work-tree', '--show-toplevel'];
  let r: GitResult;
  let present = new Set<string>();
  try {
    // Ids are hex (checked by wantedCommits), so none can pass for an option.
    r = await runGit(cwd, wanted.length > 0 ? [...treeArgs, ...wanted.map((id) => `${id}^{commit}`), '--'] : treeArgs);
    if (r.code === 0) {
      const ids = r.stdout.split('\n').slice(2);
      present = new Set(wanted.filter((id, i) => ids[i] === id));
    } else if (wanted.length > 0) {
      [r, present] = await Promise.all([runGit(cwd, treeArgs), presentCommits(cwd, wanted)]);
    }
  } catch (e) {
    await originQuery;
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const origin = await originQuery;
  if (r.code !== 0) return { ok: false, reason: `${cwd} is not a git checkout (${gitMessage(r.stderr) || `git exited with ${r.code}`})` };
  const [inside, root] = r.stdout.split('\n');
  if (inside !== 'true' || !root) return { ok: false, reason: `${cwd} is not inside a git work tree` };
  if (repository && origin) {
    const other = origin.code === 0 ? otherRepository(origin.stdout.trim(), repository, serverUrl) : undefined;
    if (other) return { ok: false, reason: `${cwd} is a checkout of ${other}, not of ${repository}` };
  }
  return { ok: true, root, present };
}

/** Full commit ids only (a branch name is resolved later), lower case, each once. */
function wantedCommits(ids: string[]): string[] {
  return [...new Set(ids.filter((id) => COMMIT_ID.test(id)).map((id) => id.toLowerCase()))];
}

/** The owner/name an origin URL on the GitHub server names, when it differs from `repository`. */
export function otherRepository(originUrl: string, repository: string, serverUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(serverUrl).host.toLowerCase();
  } catch {
    return undefined;
  }
  // https://host/owner/name(.git), ssh://git@host/owner/name, git@host:owner/name.git
  const m = /^(?:[a-z+]+:\/\/(?:[^@/]*@)?([^/]+)\/|[^@/]+@([^:/]+):)([^/]+\/[^/]+?)(?:\.git)?\/?$/i.exec(originUrl);
  if (!m) return undefined;
  const urlHost = (m[1] ?? m[2] ?? '').toLowerCase();
  const named = m[3] ?? '';
  if (urlHost !== host) return undefined;
  return named.toLowerCase() === repository.toLowerCase() ? undefined : named;
}

/**
 * Which of `ids` (full commit ids) the repository at `cwd` has as commits, in one
 * `git cat-file --batch-check` instead of one `cat-file -e` per commit. Any failure (not a
 * repository, an old git) answers "none known": the caller then checks them one by one.
 */
export async function presentCommits(cwd: string, ids: string[]): Promise<Set<string>> {
  const wanted = wantedCommits(ids);
  const found = new Set<string>();
  if (wanted.length === 0) return found;
  let r: GitResult;
  try {
    r = await runGit(cwd, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], wanted.map((id) => `${id}^{commit}\n`).join(''));
  } catch {
    return found;
  }
  if (r.code !== 0) return found;
  // One line per input line, in order: "<id> commit", or "<input> missing" (or ambiguous).
  const lines = r.stdout.split('\n');
  wanted.forEach((id, i) => {
    if (lines[i] === `${id} commit`) found.add(id);
  });
  return found;
}
