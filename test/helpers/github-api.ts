/**
 * A local stand-in for the GitHub REST API endpoints the api source uses, answered from a real
 * git repository so nothing is hard-coded: compare (three-dot, from the merge base, commits
 * paginated by `Link` header, `files` capped as GitHub caps them), git/commits, commits/{ref},
 * git/trees (recursive, with `truncated` and blobs' `size`) and git/blobs (base64 `content`). Reply shapes follow GitHub's documented ones
 * (test/fixtures/compare-response.json is a recorded example of the compare reply).
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ApiReplayOptions {
  /** The repository whose history is served (a working or bare repo). */
  repo: string;
  owner?: string;
  name?: string;
  /** When set, requests must carry `authorization: token <token>`, else 401 Bad credentials. */
  token?: string;
  /**
   * How `files` are capped. 'first-page' (GitHub's documentation): only page 1 carries files,
   * at most 300. 'paged' (what some reports describe): 300 per page, at most 3,000.
   */
  filesMode?: 'first-page' | 'paged';
  filesPerPage?: number;
  filesMax?: number;
  /** Trees with more entries than this come back `truncated: true`. */
  treeLimit?: number;
  /** Answer the compare endpoint with this HTTP status instead (e.g. 500 "diff taking too long"). */
  compareStatus?: number;
  /** Never answer requests whose path contains this (a stalled API). */
  stallOn?: string;
  /** More endpoints under /repos/{owner}/{name}/ (the Actions runs: actions-runs.ts); undefined: not theirs. */
  routes?: (rest: string, url: URL, base: string) => { status: number; body: unknown; headers?: Record<string, string> } | undefined;
}

export interface ApiRequest {
  method: string;
  url: string;
  authorization: string | undefined;
}

export interface ApiReplay {
  url: string;
  requests: ApiRequest[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

export async function startApiReplay(options: ApiReplayOptions): Promise<ApiReplay> {
  const owner = options.owner ?? 'octo-org';
  const name = options.name ?? 'content';
  const requests: ApiRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    if (options.stallOn && (req.url ?? '').includes(options.stallOn)) return;
    try {
      handle(req, res);
    } catch (e) {
      send(res, 500, { message: `replay server error: ${e instanceof Error ? e.message : String(e)}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const git = (...args: string[]): { ok: boolean; out: string } => {
    try {
      return {
        ok: true,
        out: execFileSync('git', args, { cwd: options.repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 }),
      };
    } catch (e) {
      const err = e as { status?: number; stdout?: string };
      return { ok: false, out: err.stdout ?? '' };
    }
  };
  const resolveRev = (rev: string): string | undefined => {
    const r = git('rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`);
    return r.ok ? r.out.trim() : undefined;
  };
  const commitJson = (sha: string) => {
    const text = git('cat-file', 'commit', sha).out;
    const split = text.indexOf('\n\n');
    const header = text.slice(0, split);
    const message = text.slice(split + 2);
    const field = (k: string) =>
      header
        .split('\n')
        .filter((l) => l.startsWith(`${k} `))
        .map((l) => l.slice(k.length + 1));
    const person = (line: string) => {
      const m = /^(.*?) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(line) ?? [];
      return { name: m[1] ?? '', email: m[2] ?? '', date: new Date(Number(m[3]) * 1000).toISOString().replace('.000Z', 'Z') };
    };
    return {
      sha,
      node_id: `C_${sha.slice(0, 12)}`,
      url: `${base}/repos/${owner}/${name}/git/commits/${sha}`,
      html_url: `https://github.com/${owner}/${name}/commit/${sha}`,
      author: person(field('author')[0] ?? ''),
      committer: person(field('committer')[0] ?? ''),
      tree: { sha: field('tree')[0] ?? '', url: `${base}/repos/${owner}/${name}/git/trees/${field('tree')[0] ?? ''}` },
      message: message.replace(/\n$/, ''),
      parents: field('parent').map((p) => ({
        sha: p,
        url: `${base}/repos/${owner}/${name}/git/commits/${p}`,
        html_url: `https://github.com/${owner}/${name}/commit/${p}`,
      })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    };
  };
  /** A commit as the compare/commits endpoints list it (the git commit nested under `commit`). */
  const listedCommit = (sha: string) => {
    const c = commitJson(sha);
    return {
      sha,
      node_id: c.node_id,
      commit: {
        author: c.author,
        committer: c.committer,
        message: c.message,
        tree: c.tree,
        url: c.url,
        comment_count: 0,
        verification: c.verification,
      },
      url: `${base}/repos/${owner}/${name}/commits/${sha}`,
      html_url: c.html_url,
      comments_url: `${base}/repos/${owner}/${name}/commits/${sha}/comments`,
      author: null,
      committer: null,
      parents: c.parents,
    };
  };
  /** `files[]` of a compare: git's own rename detection, in GitHub's vocabulary. */
  const diffEntries = (from: string, to: string) => {
    const fields = git('diff', '--raw', '-z', '--find-renames', '--ignore-submodules=none', '--end-of-options', from, to, '--').out.split(
      '\0',
    );
    const entries: Array<Record<string, unknown>> = [];
    const status: Record<string, string> = { A: 'added', D: 'removed', M: 'modified', R: 'renamed', C: 'copied', T: 'changed' };
    for (let i = 0; i < fields.length && fields[i];) {
      const [, , , newSha, code = ''] = (fields[i] ?? '').slice(1).split(' ');
      const letter = code[0] ?? 'M';
      const twoPaths = letter === 'R' || letter === 'C';
      const previous = twoPaths ? fields[i + 1] : undefined;
      const filename = (twoPaths ? fields[i + 2] : fields[i + 1]) ?? '';
      i += twoPaths ? 3 : 2;
      const blob = letter === 'D' ? '0'.repeat(40) : (newSha ?? '');
      entries.push({
        sha: blob,
        filename,
        status: status[letter] ?? 'modified',
        additions: 1,
        deletions: letter === 'A' ? 0 : 1,
        changes: letter === 'A' ? 1 : 2,
        blob_url: `https://github.com/${owner}/${name}/blob/${to}/${encodeURI(filename)}`,
        raw_url: `https://github.com/${owner}/${name}/raw/${to}/${encodeURI(filename)}`,
        contents_url: `${base}/repos/${owner}/${name}/contents/${encodeURI(filename)}?ref=${to}`,
        ...(letter === 'M' || letter === 'A' ? { patch: '@@ -1 +1 @@\n-old\n+new' } : {}),
        ...(previous !== undefined ? { previous_filename: previous } : {}),
      });
    }
    return entries;
  };

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (options.token && req.headers.authorization !== `token ${options.token}`) {
      send(res, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
      return;
    }
    const url = new URL(req.url ?? '/', base);
    const prefix = `/repos/${owner}/${name}/`;
    if (req.method !== 'GET' || !url.pathname.startsWith(prefix)) return notFound(res);
    const rest = decodeURIComponent(url.pathname.slice(prefix.length));
    const routed = options.routes?.(rest, url, base);
    if (routed) return send(res, routed.status, routed.body, routed.headers);
    let m: RegExpExecArray | null;
    if ((m = /^compare\/(.+?)\.\.\.(.+)$/.exec(rest))) return compare(res, url, m[1] as string, m[2] as string);
    if ((m = /^git\/commits\/([0-9a-f]+)$/.exec(rest))) {
      const sha = resolveRev(m[1] as string);
      if (!sha || sha !== m[1]) return notFound(res);
      return send(res, 200, commitJson(sha));
    }
    if ((m = /^commits\/(.+)$/.exec(rest))) {
      const sha = resolveRev(m[1] as string);
      if (!sha) return send(res, 422, { message: `No commit found for SHA: ${m[1]}`, documentation_url: DOCS, status: '422' });
      return send(res, 200, listedCommit(sha));
    }
    if ((m = /^git\/trees\/([0-9a-f]+)$/.exec(rest))) return tree(res, url, m[1] as string);
    if ((m = /^git\/blobs\/([0-9a-f]+)$/.exec(rest))) return blob(res, m[1] as string);
    return notFound(res);
  }

  function compare(res: ServerResponse, url: URL, baseRev: string, headRev: string): void {
    if (options.compareStatus) {
      send(res, options.compareStatus, {
        message: 'Server Error: Sorry, this diff is taking too long to generate.',
        documentation_url: DOCS,
        status: String(options.compareStatus),
      });
      return;
    }
    const from = resolveRev(baseRev);
    const to = resolveRev(headRev);
    if (!from || !to) return notFound(res);
    const mb = git('merge-base', from, to);
    if (!mb.ok) return notFound(res); // no common ancestor
    const mergeBase = mb.out.trim();
    const ahead = Number(git('rev-list', '--count', `${from}..${to}`).out.trim());
    const behind = Number(git('rev-list', '--count', `${to}..${from}`).out.trim());
    const status = ahead === 0 && behind === 0 ? 'identical' : behind === 0 ? 'ahead' : ahead === 0 ? 'behind' : 'diverged';
    const commits = git('rev-list', '--reverse', `${from}..${to}`).out.split('\n').filter(Boolean);
    const files = diffEntries(mergeBase, to);

    const paging = url.searchParams.has('per_page') || url.searchParams.has('page');
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 250) || 250, 250);
    const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const filesPerPage = options.filesPerPage ?? 300;
    const filesMax = options.filesMax ?? 3000;
    const capped = files.slice(0, options.filesMode === 'paged' ? filesMax : filesPerPage);
    const filePages = options.filesMode === 'paged' ? Math.ceil(capped.length / filesPerPage) : 1;
    const lastPage = paging ? Math.max(Math.ceil(commits.length / perPage), filePages, 1) : 1;
    const pageFiles =
      options.filesMode === 'paged' ? capped.slice((page - 1) * filesPerPage, page * filesPerPage) : page === 1 ? capped : [];

    const headers: Record<string, string> = {};
    if (paging && lastPage > 1) {
      const link = (p: number) => {
        const u = new URL(`${base}/repos/${owner}/${name}/compare/${baseRev}...${headRev}`);
        u.searchParams.set('per_page', String(perPage));
        u.searchParams.set('page', String(p));
        return u.toString();
      };
      const rels: string[] = [];
      if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
      if (page < lastPage) rels.push(`<${link(page + 1)}>; rel="next"`);
      rels.push(`<${link(lastPage)}>; rel="last"`);
      if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
      headers.link = rels.join(', ');
    }
    const body: Record<string, unknown> = {
      url: `${base}/repos/${owner}/${name}/compare/${baseRev}...${headRev}`,
      html_url: `https://github.com/${owner}/${name}/compare/${baseRev}...${headRev}`,
      permalink_url: `https://github.com/${owner}/${name}/compare/${owner}:${from}...${owner}:${to}`,
      diff_url: `https://github.com/${owner}/${name}/compare/${baseRev}...${headRev}.diff`,
      patch_url: `https://github.com/${owner}/${name}/compare/${baseRev}...${headRev}.patch`,
      base_commit: listedCommit(from),
      merge_base_commit: listedCommit(mergeBase),
      status,
      ahead_by: ahead,
      behind_by: behind,
      total_commits: commits.length,
      commits: (paging ? commits.slice((page - 1) * perPage, page * perPage) : commits.slice(-250)).map(listedCommit),
    };
    if (pageFiles.length > 0 || page === 1) body.files = pageFiles;
    send(res, 200, body, headers);
  }

  function tree(res: ServerResponse, url: URL, treeSha: string): void {
    const r = git('ls-tree', '-z', '-t', '--long', ...(url.searchParams.get('recursive') ? ['-r'] : []), '--full-tree', treeSha);
    if (!r.ok) return notFound(res);
    let entries = r.out
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf('\t');
        const [mode, type, sha, size] = line.slice(0, tab).split(/ +/);
        return {
          path: line.slice(tab + 1),
          mode,
          type,
          sha,
          // GitHub gives `size` on blob entries only.
          ...(type === 'blob' ? { size: Number(size) } : {}),
          url: `${base}/repos/${owner}/${name}/git/${type}s/${sha}`,
        };
      });
    const truncated = options.treeLimit !== undefined && entries.length > options.treeLimit;
    if (truncated) entries = entries.slice(0, options.treeLimit);
    send(res, 200, { sha: treeSha, url: `${base}/repos/${owner}/${name}/git/trees/${treeSha}`, tree: entries, truncated });
  }

  /** GET /repos/{owner}/{repo}/git/blobs/{file_sha}: the content in base64, in lines of 60 as GitHub sends it. */
  function blob(res: ServerResponse, sha: string): void {
    const type = git('cat-file', '-t', sha);
    if (!type.ok || type.out.trim() !== 'blob') return notFound(res);
    const bytes = execFileSync('git', ['cat-file', 'blob', sha], { cwd: options.repo, maxBuffer: 1 << 28 });
    const content = (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n');
    send(res, 200, {
      sha,
      node_id: `B_${sha.slice(0, 12)}`,
      size: bytes.length,
      url: `${base}/repos/${owner}/${name}/git/blobs/${sha}`,
      content: content === '' ? '' : `${content}\n`,
      encoding: 'base64',
    });
  }

  return {
    url: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3; format=json', ...headers });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse): void {
  send(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
}
