/** Input validation: raw strings in, Settings or one message naming every bad input out. */
import { describe, expect, it } from 'vitest';
import { InputError, parseSettings, type RawInputs } from '../../src/inputs.js';

const base: RawInputs = { endpoint: 'https://example.com/api/revalidate', secret: 'shh' };

function problemsOf(raw: RawInputs): string[] {
  try {
    parseSettings(raw);
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('parseSettings', () => {
  it('applies the documented defaults', () => {
    expect(parseSettings(base)).toEqual({
      endpoint: 'https://example.com/api/revalidate',
      secret: 'shh',
      secretHeader: 'x-revalidation-secret',
      mapping: undefined,
      mappingFile: undefined,
      paths: [],
      tags: [],
      base: undefined,
      head: undefined,
      diffSource: 'auto',
      githubToken: undefined,
      concurrency: 4,
      retries: 3,
      timeoutMs: 10_000,
      maxTargets: 5000,
      dryRun: false,
      failOnError: true,
      since: 'event',
      verify: 'off',
      siteUrl: 'https://example.com',
      verifyHeaders: [],
      receiver: 'next-app',
      batchSize: 100,
      severalForm: false,
      endpoints: [
        {
          receiver: 'next-app',
          url: 'https://example.com/api/revalidate',
          display: 'https://example.com/api/revalidate',
          secret: 'shh',
          secretHeader: 'x-revalidation-secret',
          concurrency: 4,
          batchSize: 1,
          rate: undefined,
          zone: undefined,
          siteId: undefined,
          project: undefined,
          team: undefined,
          siteUrl: undefined,
          mode: 'purge',
          pathsAs: 'files',
          method: 'GET',
          where: 'input `endpoint`',
        },
      ],
    });
  });

  it('since is event or last-success', () => {
    expect(parseSettings({ ...base, since: 'last-success' }).since).toBe('last-success');
    expect(() => parseSettings({ ...base, since: 'yesterday' })).toThrow('input `since` must be event or last-success (got "yesterday")');
  });

  it('max-targets is a whole number from 1', () => {
    expect(parseSettings({ ...base, 'max-targets': '20000' }).maxTargets).toBe(20_000);
    expect(() => parseSettings({ ...base, 'max-targets': '0' })).toThrow('input `max-targets` must be at least 1 (got "0")');
    expect(() => parseSettings({ ...base, 'max-targets': 'lots' })).toThrow(
      'input `max-targets` must be a whole number from 1 to 1000000 (got "lots")',
    );
  });

  it('treats empty strings (how the runner passes unset inputs) as unset', () => {
    const s = parseSettings({ ...base, 'secret-header': '', concurrency: '', timeout: ' ', 'dry-run': '', paths: '' });
    expect([s.secretHeader, s.concurrency, s.timeoutMs, s.dryRun, s.paths]).toEqual(['x-revalidation-secret', 4, 10_000, false, []]);
  });

  it('reads lists separated by newlines or commas', () => {
    const s = parseSettings({ ...base, paths: '/a, /b\n\n /c \n', tags: 'posts,\nauthors' });
    expect(s.paths).toEqual(['/a', '/b', '/c']);
    expect(s.tags).toEqual(['posts', 'authors']);
  });

  it('reads every value it documents', () => {
    const s = parseSettings({
      ...base,
      'secret-header': 'X-Custom-Secret',
      'mapping-file': '.github/revalidate.yml',
      base: 'abc1234',
      head: 'def5678',
      'diff-source': 'api',
      'github-token': 'ghs_x',
      concurrency: '16',
      retries: '0',
      timeout: '2.5',
      'dry-run': 'TRUE',
      'fail-on-error': 'false',
    });
    expect(s).toMatchObject({
      secretHeader: 'x-custom-secret',
      mappingFile: '.github/revalidate.yml',
      base: 'abc1234',
      head: 'def5678',
      diffSource: 'api',
      githubToken: 'ghs_x',
      concurrency: 16,
      retries: 0,
      timeoutMs: 2500,
      dryRun: true,
      failOnError: false,
    });
  });

  it('dry-run needs neither endpoint nor secret', () => {
    expect(parseSettings({ 'dry-run': 'true' }).dryRun).toBe(true);
  });

  it('names every bad input in one error', () => {
    expect(
      problemsOf({
        endpoint: 'example.com/api',
        concurrency: 'many',
        retries: '11',
        timeout: '0',
        'dry-run': 'yes',
        'diff-source': 'svn',
        paths: 'blog',
        'secret-header': 'bad header',
      }),
    ).toEqual([
      'input `endpoint` must be an absolute URL such as https://example.com/api/revalidate (got "example.com/api")',
      'input `secret-header` must be an HTTP header name such as x-revalidation-secret (got "bad header")',
      'input `paths` every entry must be a site path starting with "/" (got "blog")',
      'input `diff-source` must be auto, git or api (got "svn")',
      'input `concurrency` must be a whole number from 1 to 64 (got "many")',
      'input `retries` must be at most 10 (got "11")',
      'input `timeout` must be more than 0 seconds (got "0")',
      'input `dry-run` must be true or false (got "yes")',
    ]);
  });

  it('requires endpoint and secret unless dry-run, without echoing the secret', () => {
    expect(problemsOf({})).toEqual([
      'input `endpoint` is required (or set `dry-run: true`)',
      'input `secret` is required (or set `dry-run: true`); pass it as ${{ secrets.REVALIDATION_SECRET }}',
    ]);
  });

  it('refuses non-http URLs and credentials in the URL', () => {
    expect(problemsOf({ ...base, endpoint: 'ftp://example.com/x' })).toEqual([
      'input `endpoint` must be an http:// or https:// URL (got "ftp://example.com/x")',
    ]);
    expect(problemsOf({ ...base, endpoint: 'https://u:p@example.com/x' })[0]).toMatch(
      /^input `endpoint` must not carry a user name or password/,
    );
  });

  it('refuses a secret-header that HTTP itself uses, in any case, and keeps any other name', () => {
    for (const header of [
      'content-type',
      'Content-Length',
      'TRANSFER-ENCODING',
      'host',
      'connection',
      'expect',
      'upgrade',
      'te',
      'trailer',
      'keep-alive',
      'proxy-authorization',
      'Proxy-Connection',
    ]) {
      expect(problemsOf({ ...base, 'secret-header': header })).toEqual([
        `input \`secret-header\` must not be a header HTTP itself uses (content-type, content-length, transfer-encoding, host, connection, expect, upgrade, te, trailer, keep-alive, proxy-*); pick your own name such as x-revalidation-secret (got "${header}")`,
      ]);
    }
    for (const header of ['X-Site-Token', 'authorization', 'x-proxy-token', 'tex', 'x-host']) {
      expect(parseSettings({ ...base, 'secret-header': header }).secretHeader).toBe(header.toLowerCase());
    }
  });

  it('a URL with credentials is refused and shown without them', () => {
    for (const endpoint of [
      'https://deploy:hunter2@example.com/api/revalidate',
      'https://hunter2@example.com/api/revalidate',
      'https://deploy:hun@ter2@example.com/api/revalidate',
    ]) {
      expect(problemsOf({ ...base, endpoint })).toEqual([
        'input `endpoint` must not carry a user name or password; use `secret` (got "https://example.com/api/revalidate")',
      ]);
    }
    // Not a URL at all, but credentials all the same: still not shown.
    expect(problemsOf({ ...base, endpoint: 'http://deploy:hunter2@' })[0]).not.toMatch(/hunter2|deploy/);
  });

  it('values are quoted escaped: a line break or escape sequence in an input shows as such', () => {
    expect(problemsOf({ ...base, 'diff-source': 'git\n::notice::x\u001b[2J' })).toEqual([
      'input `diff-source` must be auto, git or api (got "git\\n::notice::x\\x1b[2J")',
    ]);
  });

  it('mapping and mapping-file are exclusive; base and head go together', () => {
    expect(problemsOf({ ...base, mapping: '- files: a', 'mapping-file': 'm.yml' })).toEqual([
      'input `mapping-file` cannot be used together with `mapping`; pick one (got "m.yml")',
    ]);
    expect(problemsOf({ ...base, base: 'abc' })).toEqual(['input `head` is needed too: set both `base` and `head`, or neither']);
    expect(problemsOf({ ...base, base: '--upload-pack=x', head: 'abc' })[0]).toMatch(/^input `base` must be a commit SHA or ref name/);
  });

  it('InputError lists several problems on separate lines', () => {
    expect(() => parseSettings({ concurrency: '0' })).toThrow(/^3 problems with the inputs:\n- input `endpoint`/);
  });
});
