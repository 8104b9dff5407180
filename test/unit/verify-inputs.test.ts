/** The inputs `verify`, `site-url` and `verify-headers`: parsed, defaulted, and refused with one clear message that never quotes a header's value. */
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/inputs.js';

const base = { endpoint: 'https://api.example.com/api/revalidate?x=1', secret: 'shh' };

describe('verify inputs', () => {
  it('verify: false by default, true fails, warn warns; anything else is refused', () => {
    expect(parseSettings(base).verify).toBe('off');
    expect(parseSettings({ ...base, verify: 'false' }).verify).toBe('off');
    expect(parseSettings({ ...base, verify: 'true' }).verify).toBe('fail');
    expect(parseSettings({ ...base, verify: 'TRUE' }).verify).toBe('fail');
    expect(parseSettings({ ...base, verify: 'warn' }).verify).toBe('warn');
    expect(() => parseSettings({ ...base, verify: 'yes' })).toThrow('input `verify` must be true, false or warn (got "yes")');
  });

  it('site-url: the endpoint’s origin by default; a path prefix is kept, a trailing slash dropped', () => {
    expect(parseSettings(base).siteUrl).toBe('https://api.example.com');
    expect(parseSettings({ ...base, 'site-url': 'https://www.example.com/' }).siteUrl).toBe('https://www.example.com');
    expect(parseSettings({ ...base, 'site-url': 'https://www.example.com/docs/' }).siteUrl).toBe('https://www.example.com/docs');
    expect(() => parseSettings({ ...base, 'site-url': 'www.example.com' })).toThrow('input `site-url` must be an absolute URL');
    expect(() => parseSettings({ ...base, 'site-url': 'ftp://x.example' })).toThrow('input `site-url` must be an http:// or https:// URL');
    expect(() => parseSettings({ ...base, 'site-url': 'https://x.example/?a=1' })).toThrow('input `site-url` must not have a query');
    expect(() => parseSettings({ ...base, 'site-url': 'https://u:p@x.example' })).toThrow('must not carry a user name or password');
  });

  it('with several endpoints: the first that is the site itself, never a CDN API; an all-CDN run must name site-url', () => {
    const env = { SITE_SECRET: 'site-secret', CF_TOKEN: 'cf-token' };
    const endpoints = `
- url: https://api.example.net/x
  receiver: cloudflare
  zone: z1
  secret-env: CF_TOKEN
- url: https://www.example.com/api/revalidate
  receiver: batch
  secret-env: SITE_SECRET
`;
    expect(parseSettings({ endpoints, verify: 'true' }, undefined, env).siteUrl).toBe('https://www.example.com');
    const cdnOnly = `
- receiver: cloudflare
  zone: z1
  secret-env: CF_TOKEN
`;
    expect(() => parseSettings({ endpoints: cdnOnly, verify: 'true' }, undefined, env)).toThrow(
      'input `site-url` is needed with `verify`: no endpoint of the run is the site itself',
    );
    expect(parseSettings({ endpoints: cdnOnly, verify: 'true', 'site-url': 'https://www.example.com' }, undefined, env).siteUrl).toBe(
      'https://www.example.com',
    );
    // Verification off: nothing to visit, nothing needed.
    expect(parseSettings({ endpoints: cdnOnly }, undefined, env).siteUrl).toBeUndefined();
  });

  it('verify-headers: one `Name: value` per line, blank lines skipped, values as written', () => {
    expect(
      parseSettings({ ...base, 'verify-headers': '\nx-vercel-protection-bypass: abc:def \n\nAuthorization: Basic Zm9v\n' }).verifyHeaders,
    ).toEqual([
      { name: 'x-vercel-protection-bypass', value: 'abc:def' },
      { name: 'Authorization', value: 'Basic Zm9v' },
    ]);
  });

  it('a bad header line is named by its number, never by its value', () => {
    const bad = (text: string) => {
      try {
        parseSettings({ ...base, 'verify-headers': text });
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(bad('token-without-colon-SECRETVALUE')).toBe(
      'input `verify-headers` line 1 must be `Name: value` with an HTTP header name before the colon',
    );
    expect(bad('ok: 1\nbad name: SECRETVALUE')).toBe(
      'input `verify-headers` line 2 must be `Name: value` with an HTTP header name before the colon',
    );
    expect(bad('host: SECRETVALUE')).toContain('input `verify-headers` line 1: `host` is a header HTTP itself uses');
    expect(bad('x-empty:')).toBe('input `verify-headers` line 1 (`x-empty`) has no value');
    expect(bad('X-Revalidation-Secret: SECRETVALUE')).toBe(
      'input `verify-headers` must not carry `secret-header` (`X-Revalidation-Secret`): the secret goes to the endpoint only, never to the pages visited',
    );
    for (const text of ['token-without-colon-SECRETVALUE', 'host: SECRETVALUE', 'X-Revalidation-Secret: SECRETVALUE'])
      expect(bad(text)).not.toContain('SECRETVALUE');
  });
});
