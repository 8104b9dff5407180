/**
 * A private git remote over smart HTTP on 127.0.0.1: real `git http-backend` behind a check of
 * the `Authorization` header, as github.com does for a private repository. With the header
 * (what actions/checkout persists as `http.<url>.extraheader` when persist-credentials is on)
 * fetching works; without it git gets 401 and cannot fetch.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';

export interface GitHttpRemote {
  /** Clone URL of the bare repository. */
  url: string;
  /** The header value git must send (`basic base64(x-access-token:<token>)`). */
  authorization: string;
  /** Requests refused for lack of credentials. */
  refused: number;
  close(): Promise<void>;
}

export async function startGitHttpRemote(bareRepo: string, token: string): Promise<GitHttpRemote> {
  const authorization = `basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
  const state = { refused: 0 };
  const server = createServer((req, res) => {
    if (req.headers.authorization?.toLowerCase() !== authorization.toLowerCase()) {
      state.refused++;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
      res.end('Unauthorized');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '',
        GIT_PROJECT_ROOT: dirname(bareRepo),
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: 'x-access-token',
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(child.stdin);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('close', () => {
      // CGI reply: headers, a blank line, then the body.
      const out = Buffer.concat(chunks);
      const split = out.indexOf('\r\n\r\n') !== -1 ? out.indexOf('\r\n\r\n') : out.indexOf('\n\n');
      const sep = out.indexOf('\r\n\r\n') !== -1 ? 4 : 2;
      const head = out.subarray(0, split).toString('utf8');
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i === -1) continue;
        const k = line.slice(0, i).trim().toLowerCase();
        const v = line.slice(i + 1).trim();
        if (k === 'status') status = Number(v.split(' ')[0]);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.end(out.subarray(split + sep));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/${basename(bareRepo)}`,
    authorization,
    get refused() {
      return state.refused;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
