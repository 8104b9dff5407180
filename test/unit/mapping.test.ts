/** The mapping: every syntax element and every configuration error, on plain values. */
import { describe, expect, it } from 'vitest';
import { mapChanges, MAX_PATH_LENGTH, MAX_TAG_LENGTH } from '../../src/mapping/apply.js';
import { compilePattern, PatternError } from '../../src/mapping/pattern.js';
import { targetLimitProblem } from '../../src/mapping/limit.js';
import { MappingError, parseMapping } from '../../src/mapping/rules.js';
import { normaliseSitePath } from '../../src/mapping/template.js';
import type { ChangedFile } from '../../src/types.js';

const modified = (...paths: string[]): ChangedFile[] => paths.map((path) => ({ path, status: 'modified' }));

/** Maps files through an inline mapping and returns `type:value` keys. */
function targetsOf(mapping: string, files: ChangedFile[], extra = { paths: [] as string[], tags: [] as string[] }): string[] {
  const { rules } = parseMapping(mapping, 'input `mapping`');
  return mapChanges(rules, files, extra).targets.map((t) => `${t.type}:${t.value}`);
}

function mappingError(mapping: string): string {
  try {
    parseMapping(mapping, 'input `mapping`');
  } catch (e) {
    if (e instanceof MappingError) return e.message;
    throw e;
  }
  throw new Error('expected a MappingError');
}

const path = (value: string) => ({ type: 'path', value });
const tag = (value: string) => ({ type: 'tag', value });

describe('patterns', () => {
  it('[name] captures exactly one segment', () => {
    const p = compilePattern('content/blog/[slug].md');
    expect(p.match('content/blog/hello.md')).toEqual({ slug: 'hello' });
    expect(p.match('content/blog/a/b.md')).toBeUndefined();
    expect(p.match('content/blog/.md')).toBeUndefined();
  });

  it('[name] can sit inside a segment and next to a brace glob', () => {
    const p = compilePattern('content/blog/[slug].{md,mdx}');
    expect(p.match('content/blog/my.post.mdx')).toEqual({ slug: 'my.post' });
    expect(p.match('content/blog/x.txt')).toBeUndefined();
    expect(compilePattern('posts/post-[id].json').match('posts/post-42.json')).toEqual({ id: '42' });
  });

  it('[...name] captures one or more segments', () => {
    const p = compilePattern('content/docs/[...page].md');
    expect(p.match('content/docs/a.md')).toEqual({ page: 'a' });
    expect(p.match('content/docs/a/b/c.md')).toEqual({ page: 'a/b/c' });
    expect(p.match('content/docs.md')).toBeUndefined();
  });

  it('[[...name]] captures zero or more segments, the adjoining slash optional', () => {
    const p = compilePattern('content/docs/[[...page]]/index.md');
    expect(p.match('content/docs/index.md')).toEqual({ page: '' });
    expect(p.match('content/docs/guide/index.md')).toEqual({ page: 'guide' });
    expect(p.match('content/docs/guide/deep/index.md')).toEqual({ page: 'guide/deep' });
    const tail = compilePattern('content/[[...rest]]');
    expect(tail.match('content')).toEqual({ rest: '' });
    expect(tail.match('content/a/b')).toEqual({ rest: 'a/b' });
  });

  it('several captures in one pattern', () => {
    const p = compilePattern('content/[locale]/blog/[slug].md');
    expect(p.match('content/fr/blog/bonjour.md')).toEqual({ locale: 'fr', slug: 'bonjour' });
  });

  it('*, ** and ? are plain globs', () => {
    expect(compilePattern('data/*.json').match('data/a.json')).toEqual({});
    expect(compilePattern('data/*.json').match('data/x/a.json')).toBeUndefined();
    expect(compilePattern('data/**/*.json').match('data/x/y/a.json')).toEqual({});
    expect(compilePattern('data/**/*.json').match('data/a.json')).toEqual({});
    expect(compilePattern('v?.md').match('v1.md')).toEqual({});
    expect(compilePattern('v?.md').match('v10.md')).toBeUndefined();
  });

  it('a leading ./ or / is ignored; names with spaces and non-ASCII match', () => {
    expect(compilePattern('./content/[slug].md').match('content/été 2024.md')).toEqual({ slug: 'été 2024' });
    expect(compilePattern('/content/*.md').match('content/a.md')).toEqual({});
  });

  it('rejects malformed captures with a message naming the pattern', () => {
    expect(() => compilePattern('content/[].md')).toThrow(PatternError);
    expect(() => compilePattern('content/[a b].md')).toThrow(/"\[a b\]" is not a capture/);
    expect(() => compilePattern('content/[slug]/[slug].md')).toThrow(/names the capture "slug" twice/);
    expect(() => compilePattern('content/[slug.md')).toThrow(/unbalanced/);
  });
});

describe('patterns: what the linear-time matcher decides where picomatch was inconsistent', () => {
  it('every character but the glob ones is itself: + $ ( ) | ^', () => {
    expect(compilePattern('c++/[slug].md').match('c++/a.md')).toEqual({ slug: 'a' });
    expect(compilePattern('{a,b}+.md').match('a+.md')).toEqual({});
    expect(compilePattern('{a,b}+.md').match('aa.md')).toBeUndefined();
    expect(compilePattern('$$*').match('$$x')).toEqual({});
    expect(compilePattern('about (old).md').match('about (old).md')).toEqual({});
    expect(compilePattern('a|b^c').match('a|b^c')).toEqual({});
    expect(compilePattern('a\\*b').match('a*b')).toEqual({});
    expect(compilePattern('a\\*b').match('axb')).toBeUndefined();
  });

  it('`**` spans segments only as a segment of its own, and `x/**` matches x itself after a star too', () => {
    expect(compilePattern('a/**').match('a')).toEqual({});
    expect(compilePattern('*/**').match('a')).toEqual({});
    expect(compilePattern('*/**').match('a/b/c')).toEqual({});
    expect(compilePattern('**.md').match('a/b.md')).toBeUndefined();
    expect(compilePattern('**.md').match('b.md')).toEqual({});
    expect(compilePattern('a/***/b').match('a/x/y/b')).toBeUndefined();
    expect(compilePattern('a/***/b').match('a/x/b')).toEqual({});
    expect(compilePattern('a/**/**/b').match('a/b')).toEqual({});
    expect(compilePattern('a/**/**/b').match('a/x/y/b')).toEqual({});
  });

  it('every segment matches at least one character; a star may match none', () => {
    expect(compilePattern('a/**/{,x}').match('a')).toBeUndefined();
    expect(compilePattern('a/**/{,x}').match('a/x')).toEqual({});
    expect(compilePattern('*.*').match('a.')).toEqual({});
    expect(compilePattern('post{,-draft}.md').match('post-draft.md')).toEqual({});
    expect(compilePattern('post{,-draft}.md').match('post.md')).toEqual({});
  });

  it('? is one character, even outside the BMP; ** takes any character, newlines too', () => {
    expect(compilePattern('v?.md').match('v😀.md')).toEqual({});
    expect(compilePattern('[slug].md').match('😀.md')).toEqual({ slug: '😀' });
    expect(compilePattern('a/**/[slug].md').match('a/line\nbreak/x.md')).toEqual({ slug: 'x' });
  });

  it('a name with an empty, "." or ".." segment matches nothing (git stores no such name)', () => {
    const rest = compilePattern('content/[...rest]');
    expect(rest.match('content/a/b')).toEqual({ rest: 'a/b' });
    for (const name of ['content/../x', 'content/./x', 'content//x', 'content/x/', '', 'content/..']) {
      expect(rest.match(name), name).toBeUndefined();
      expect(rest.test(name), name).toBe(false);
    }
    expect(compilePattern('**').match('a/../b')).toBeUndefined();
  });

  it('refuses what it would only guess at, naming the pattern', () => {
    expect(() => compilePattern('!content/*.md')).toThrow(
      /pattern "!content\/\*\.md" starts with "!": a pattern cannot be negated; list what to leave out under `exclude`/,
    );
    expect(() => compilePattern('content/!(draft).md')).toThrow(/uses the extglob "!\(": it is not supported/);
    expect(() => compilePattern('content/+(a|b).md')).toThrow(/extglob "\+\("/);
    expect(() => compilePattern('x/{1..3}.md')).toThrow(
      /pattern "x\/\{1\.\.3\}\.md" uses a range such as \{1\.\.3\}: ranges are not supported; list the choices, as in \{1,2,3\}/,
    );
    expect(() => compilePattern('x/{a,b.md')).toThrow(/unbalanced \{ or \}/);
    expect(() => compilePattern('x/a}.md')).toThrow(/unbalanced \{ or \}/);
    expect(compilePattern('x/{a}.md').match('x/{a}.md')).toEqual({});
  });
});

describe('site paths', () => {
  it('are normalised: doubled and trailing slashes, index pages', () => {
    expect(normaliseSitePath('/blog//post/')).toBe('/blog/post');
    expect(normaliseSitePath('/docs/index')).toBe('/docs');
    expect(normaliseSitePath('/index')).toBe('/');
    expect(normaliseSitePath('/')).toBe('/');
    expect(normaliseSitePath('/docs/')).toBe('/docs');
  });

  it('resolve . and .. within the path, never above /, percent-encoded dots too', () => {
    expect(normaliseSitePath('/blog/../admin')).toBe('/admin');
    expect(normaliseSitePath('/../../etc/passwd')).toBe('/etc/passwd');
    expect(normaliseSitePath('/a/./b/.')).toBe('/a/b');
    expect(normaliseSitePath('/a/%2e%2e/b')).toBe('/b');
    expect(normaliseSitePath('/a/.%2E/%2E./c')).toBe('/c');
    expect(normaliseSitePath('/a/%2e/b')).toBe('/a/b');
    expect(normaliseSitePath('/blog/..')).toBe('/');
    expect(normaliseSitePath('/docs/x/../index')).toBe('/docs');
    // Not dot segments: kept as they are.
    expect(normaliseSitePath('/a%2eb/.../c..')).toBe('/a%2eb/.../c..');
  });
});

describe('mapping rules', () => {
  const blog = `
- files: content/blog/[slug].{md,mdx}
  paths: ["/blog/[slug]", /blog]
  tags: [posts, "post:[slug]"]
`;

  it('maps a post to its page, the index and two tags', () => {
    expect(targetsOf(blog, modified('content/blog/hello.md'))).toEqual(['path:/blog', 'path:/blog/hello', 'tag:post:hello', 'tag:posts']);
  });

  it('deduplicates targets across files and rules, and sorts them stably', () => {
    const mapping = `${blog}
- files: content/blog/*.md
  tags: posts
`;
    const result = targetsOf(mapping, modified('content/blog/b.md', 'content/blog/a.md'));
    expect(result).toEqual(['path:/blog', 'path:/blog/a', 'path:/blog/b', 'tag:post:a', 'tag:post:b', 'tag:posts']);
  });

  it('records which files produced each target', () => {
    const { rules } = parseMapping(blog, 'm');
    const result = mapChanges(rules, modified('content/blog/b.md', 'content/blog/a.md'));
    expect(result.targets.find((t) => t.value === '/blog')?.sources).toEqual(['content/blog/a.md', 'content/blog/b.md']);
    expect(result.perFile).toEqual([
      { file: 'content/blog/b.md', status: 'modified', targets: [path('/blog/b'), path('/blog'), tag('posts'), tag('post:b')] },
      { file: 'content/blog/a.md', status: 'modified', targets: [path('/blog/a'), path('/blog'), tag('posts'), tag('post:a')] },
    ]);
  });

  it('every matching rule applies', () => {
    const mapping = `
- files: content/**
  tags: content
- files: content/blog/[slug].md
  paths: /blog/[slug]
`;
    expect(targetsOf(mapping, modified('content/blog/x.md'))).toEqual(['path:/blog/x', 'tag:content']);
  });

  it('a list of file patterns, and exclude', () => {
    const mapping = `
- files: [content/blog/*.md, content/news/*.md]
  exclude:
    - content/**/_*
    - content/news/draft-*.md
  tags: feed
`;
    expect(targetsOf(mapping, modified('content/news/a.md'))).toEqual(['tag:feed']);
    expect(targetsOf(mapping, modified('content/blog/_wip.md', 'content/news/draft-1.md'))).toEqual([]);
  });

  it('docs with nested index pages', () => {
    const mapping = `
- files: content/docs/[[...page]]/index.md
  paths: /docs/[[...page]]
- files: content/docs/[...page].md
  exclude: content/docs/**/index.md
  paths: /docs/[...page]
`;
    expect(targetsOf(mapping, modified('content/docs/index.md'))).toEqual(['path:/docs']);
    expect(targetsOf(mapping, modified('content/docs/guide/index.md'))).toEqual(['path:/docs/guide']);
    expect(targetsOf(mapping, modified('content/docs/guide/setup.md'))).toEqual(['path:/docs/guide/setup']);
  });

  it('i18n: several captures feed one template', () => {
    const mapping = `
- files: content/[locale]/blog/[slug].md
  paths: ["/[locale]/blog/[slug]", "/[locale]/blog"]
  tags: "posts:[locale]"
`;
    expect(targetsOf(mapping, modified('content/de/blog/hallo.md'))).toEqual(['path:/de/blog', 'path:/de/blog/hallo', 'tag:posts:de']);
  });

  it('site-wide configuration maps to /', () => {
    expect(targetsOf('- files: config/site.json\n  paths: /\n  tags: layout\n', modified('config/site.json'))).toEqual([
      'path:/',
      'tag:layout',
    ]);
  });

  it('deleted files are mapped, renames map both names, copies the new one', () => {
    const files: ChangedFile[] = [
      { path: 'content/blog/gone.md', status: 'deleted' },
      { path: 'content/blog/new-name.md', previousPath: 'content/blog/old-name.md', status: 'renamed' },
      { path: 'content/blog/copy.md', previousPath: 'content/blog/original.md', status: 'copied' },
    ];
    expect(targetsOf('- files: content/blog/[slug].md\n  paths: /blog/[slug]\n', files)).toEqual([
      'path:/blog/copy',
      'path:/blog/gone',
      'path:/blog/new-name',
      'path:/blog/old-name',
    ]);
  });

  it('a rename into the mapped folder counts, and unmatched files are listed', () => {
    const { rules } = parseMapping('- files: content/[slug].md\n  tags: "[slug]"\n', 'm');
    const result = mapChanges(rules, [
      { path: 'content/moved.md', previousPath: 'elsewhere/moved.md', status: 'renamed' },
      { path: 'README.md', status: 'modified' },
    ]);
    expect(result.targets.map((t) => t.value)).toEqual(['moved']);
    expect(result.unmatched).toEqual(['README.md']);
  });

  it('adds the explicit paths and tags, normalised and deduplicated', () => {
    expect(targetsOf('', [], { paths: ['/about/', '/about', '/'], tags: ['posts', 'posts'] })).toEqual([
      'path:/',
      'path:/about',
      'tag:posts',
    ]);
  });

  it('JSON is YAML', () => {
    const json = JSON.stringify([{ files: 'content/[slug].md', paths: ['/[slug]'], tags: 'all' }]);
    expect(targetsOf(json, modified('content/x.md'))).toEqual(['path:/x', 'tag:all']);
  });

  it('block lists need no quotes', () => {
    const mapping = `
- files: content/blog/[slug].md
  paths:
    - /blog/[slug]
    - /blog
`;
    expect(targetsOf(mapping, modified('content/blog/a.md'))).toEqual(['path:/blog', 'path:/blog/a']);
  });

  it('numbers in YAML are taken as text', () => {
    expect(targetsOf('- files: "*.md"\n  tags: [2024, true]\n', modified('a.md'))).toEqual(['tag:2024', 'tag:true']);
  });

  it('targets longer than Next.js accepts are rejected with their source file, not sent', () => {
    const longName = 'x'.repeat(MAX_TAG_LENGTH);
    const { rules } = parseMapping('- files: "[slug].md"\n  tags: "post:[slug]"\n  paths: /[slug]\n', 'm');
    const result = mapChanges(rules, modified(`${longName}.md`));
    expect(result.targets.map((t) => t.type)).toEqual(['path']);
    expect(result.rejected).toEqual([
      {
        type: 'tag',
        value: `post:${longName}`,
        sources: [`${longName}.md`],
        from: [
          { file: `${longName}.md`, side: 'base', inserts: true },
          { file: `${longName}.md`, side: 'head', inserts: true },
        ],
        reason: `tag is ${MAX_TAG_LENGTH + 5} characters; Next.js accepts at most ${MAX_TAG_LENGTH}`,
      },
    ]);
    const deep = `${'d/'.repeat(MAX_PATH_LENGTH / 2)}x.md`;
    const deepResult = mapChanges(parseMapping('- files: "[...p].md"\n  paths: /[...p]\n', 'm').rules, modified(deep));
    expect(deepResult.targets).toEqual([]);
    expect(deepResult.rejected[0]?.reason).toMatch(/^path is 1026 characters; Next.js accepts at most 1024$/);
  });
});

describe('site paths from captured values', () => {
  const rule = '- files: content/[...slug].md\n  paths: /blog/[...slug]\n  tags: "post:[...slug]"\n';

  it('a ".." that a file name brings in is resolved inside the site', () => {
    expect(targetsOf('- files: content/[a]/[b].md\n  paths: /blog/[a]/[b]\n', modified('content/x/y.md'))).toEqual(['path:/blog/x/y']);
    expect(targetsOf('- files: "content/[a]"\n  paths: /blog/[a]/../../x\n', modified('content/p'))).toEqual(['path:/x']);
    expect(targetsOf('- files: "content/[a].md"\n  paths: /blog/[a]\n', modified('content/%2e%2e.md'))).toEqual(['path:/']);
  });

  it('spaces at the ends of a captured value are kept, in paths and tags alike', () => {
    expect(targetsOf(rule, modified('content/ spaced .md'))).toEqual(['path:/blog/ spaced ', 'tag:post: spaced ']);
  });

  it('a ? or # in a mapped path is a configuration error naming the rule and the file', () => {
    expect(mappingError('- files: a.md\n  paths: /search?q=a\n')).toBe(
      'input `mapping`, rule 1 (line 1): paths: "/search?q=a" holds a "?": a query is not part of a site path, and the site would not revalidate the page it names',
    );
    const { rules } = parseMapping(`- files: a.md\n  tags: a\n${rule}`, 'input `mapping`');
    expect(() => mapChanges(rules, modified('content/what?.md', 'content/ok.md'))).toThrow(
      'input `mapping`, rule 2 (line 3) maps content/what?.md to the path "/blog/what?", which holds a "?": a query is not part of a site path, and the site would not revalidate the page it names; rename the file or leave it out with `exclude`',
    );
    expect(() => mapChanges(rules, modified('content/a#b.md'))).toThrow(/holds a "#": a fragment is not part of a site path/);
    expect(() => mapChanges([], [], { paths: ['/x?y=1'], tags: [] })).toThrow('input `paths`: "/x?y=1" holds a "?"');
  });
});

describe('the max-targets guard', () => {
  const mapping = '- files: content/[slug].md\n  paths: ["/en/[slug]", "/de/[slug]", "/fr/[slug]"]\n- files: content/*.md\n  tags: posts\n';
  const mapped = () =>
    mapChanges(parseMapping(mapping, 'input `mapping`').rules, modified('content/a.md', 'content/b.md', 'content/c.md', 'content/d.md'), {
      paths: ['/'],
      tags: [],
    });

  it('counts distinct targets per rule, most first', () => {
    expect(mapped().perRule).toEqual([
      { where: 'input `mapping`, rule 1 (line 1)', targets: 12 },
      { where: 'input `mapping`, rule 2 (line 3)', targets: 1 },
      { where: 'input `paths`', targets: 1 },
    ]);
  });

  it('says nothing at or under the limit; over it, how many, from which rules, and what to do', () => {
    expect(targetLimitProblem(mapped(), 14, false)).toBeUndefined();
    expect(targetLimitProblem(mapped(), 13, false)).toBe(
      'this run maps to 14 distinct targets (13 paths, 1 tag), more than the limit of 13 (input `max-targets`): nothing was sent. ' +
        'Most came from input `mapping`, rule 1 (line 1): 12; input `mapping`, rule 2 (line 3): 1; input `paths`: 1. ' +
        'If that many is right, raise input `max-targets`; otherwise revalidate a cache tag the pages share (`tags:` in the rule) instead of one path each.',
    );
    expect(targetLimitProblem(mapped(), 2, true)).toMatch(
      /^this run maps to 14 distinct targets \(13 paths, 1 tag\), more than the limit of 2 \(input `max-targets`\): dry run: a real run would send nothing and fail\. Most came from/,
    );
  });
});

describe('configuration errors', () => {
  it('YAML syntax errors give the line, and the quoted fix for bracket templates', () => {
    const message = mappingError('- files: content/blog/[slug].md\n  paths: [/blog/[slug], /blog]\n');
    expect(message).toContain('input `mapping`, line 2: YAML syntax error');
    expect(message).toContain('quote templates inside [ ] lists');
    expect(message).toContain('paths: ["/blog/[slug]", /blog]');
  });

  it('a bracket template that parses as a nested map gets the same hint', () => {
    const message = mappingError('- files: content/[slug].md\n  tags: [post:[slug]]\n');
    expect(message).toContain('rule 1 (line 1): `tags` must be text or a list of text');
    expect(message).toContain('tags: ["post:[slug]"]');
  });

  it('a literal tag equal to a capture name is warned about', () => {
    const { warnings } = parseMapping('- files: content/[slug].md\n  tags: [slug]\n  paths: /slug\n', 'input `mapping`');
    expect(warnings).toEqual([
      'input `mapping`, rule 1 (line 1): paths "/slug" is literal text; did you mean "/[slug]" (quoted inside a [ ] list)?',
      'input `mapping`, rule 1 (line 1): tags "slug" is literal text; did you mean "[slug]" (quoted inside a [ ] list)?',
    ]);
  });

  it('unknown keys, with a suggestion', () => {
    expect(mappingError('- files: a.md\n  path: /a\n')).toContain(
      'input `mapping`, rule 1 (line 1): unknown key `path` (did you mean `paths`?); a rule has `files`, `exclude`, `paths`, `tags`',
    );
  });

  it('a template naming a capture its pattern lacks', () => {
    expect(mappingError('- files: content/*.md\n  paths: /blog/[slug]\n')).toContain(
      'rule 1 (line 1): "/blog/[slug]" uses [slug], but the pattern "content/*.md" has no capture named "slug" (it captures nothing)',
    );
    expect(mappingError('- files: ["a/[id].md", "b/[slug].md"]\n  tags: "t:[slug]"\n')).toContain(
      'the pattern "a/[id].md" has no capture named "slug" (it captures [id])',
    );
  });

  it('a path that does not start with /', () => {
    expect(mappingError('- files: a.md\n  paths: blog\n')).toContain('rule 1 (line 1): paths: "blog" must start with "/"');
  });

  it('a rule without files, or without paths and tags, or empty lists', () => {
    expect(mappingError('- paths: /a\n')).toContain('`files` is missing');
    expect(mappingError('- files: a.md\n')).toContain('has neither `paths` nor `tags`');
    expect(mappingError('- files: []\n  tags: a\n')).toContain('`files` is an empty list');
    expect(mappingError('- files: a.md\n  tags: ""\n')).toContain('`tags` holds an empty value');
  });

  it('the mapping must be a list; every problem is listed with its rule and line', () => {
    expect(mappingError('files: a.md\n')).toContain('line 1: the mapping must be a list of rules');
    const message = mappingError('- files: a.md\n  tags: ok\n- files: b.md\n  paths: nope\n- files: "[x"\n  tags: t\n');
    expect(message).toContain('2 problems in the mapping');
    expect(message).toContain('rule 2 (line 3): paths: "nope" must start with "/"');
    expect(message).toContain('rule 3 (line 5): files: pattern "[x" has an unbalanced [ or ]');
  });

  it('an empty mapping holds no rules, with a warning', () => {
    expect(parseMapping('# nothing yet\n', 'input `mapping`')).toEqual({ rules: [], warnings: ['input `mapping` holds no rules'] });
  });

  it('rules over 1 MiB are refused before they are parsed', () => {
    const big = `- files: a.md\n  tags: a\n# ${'x'.repeat(1024 * 1024)}\n`;
    expect(mappingError(big)).toBe('input `mapping` is 1.0 MiB; the rules may be at most 1 MiB');
    expect(parseMapping(`- files: a.md\n  tags: a\n# ${'x'.repeat(1000 * 1000)}\n`, 'm').rules).toHaveLength(1);
  });

  it('anchors, aliases and merge keys work as in any YAML', () => {
    const mapping = `
- files: &blog content/blog/[slug].md
  paths: &pages ["/blog/[slug]", /blog]
  tags: posts
- files: *blog
  tags: "post:[slug]"
- &docs
  files: content/docs/[slug].md
  paths: /docs/[slug]
- <<: *docs
  files: content/guides/[slug].md
`;
    expect(targetsOf(mapping, modified('content/blog/a.md', 'content/guides/g.md'))).toEqual([
      'path:/blog',
      'path:/blog/a',
      'path:/docs/g',
      'tag:post:a',
      'tag:posts',
    ]);
    expect(mappingError('- files: a.md\n  tags: t\n- files: b.md\n  paths: *pages\n')).toBe(
      'input `mapping`, line 4: the alias *pages has no anchor &pages before it',
    );
  });

  it('an alias bomb fails at once with a clear error', () => {
    const levels = ['  x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++)
      levels.push(
        `  x${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const bomb = `- files: a.md\n  tags: t\n${levels.join('\n')}\n`;
    expect(mappingError(bomb)).toBe(
      'input `mapping`: YAML aliases (*name) expand past the limit of 100, as an alias bomb does; write the values out instead of nesting aliases in aliases',
    );
  });

  it('custom and YAML 1.1 tags are an error naming the line, not text', () => {
    expect(mappingError('- files: a.md\n  tags: !!js/function "function () {}"\n')).toBe(
      'input `mapping`, line 2: the YAML tag !!js/function is not allowed: rules are plain text, lists and maps; remove the tag',
    );
    expect(mappingError('- files: a.md\n  tags: t\n- files: b.md\n  tags: !!binary aGVsbG8=\n')).toContain(
      'line 4: the YAML tag !!binary is not allowed',
    );
    expect(mappingError('- files: !include other.yml\n  tags: t\n')).toContain('line 1: the YAML tag !include is not allowed');
    expect(targetsOf('- files: a.md\n  tags: !!str 2024\n', modified('a.md'))).toEqual(['tag:2024']);
  });

  it('duplicate keys are a YAML error with the line', () => {
    expect(mappingError('- files: a.md\n  tags: a\n  tags: b\n')).toMatch(/line 3: YAML syntax error: Map keys must be unique/);
  });
});
