/** Front matter: parsing each format, the template syntax that inserts it, and the mapping over both sides. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchReader } from '../../src/changes/git/blobs.js';
import { FRONT_MATTER_CAP, frontMatterPart, parseFrontMatter } from '../../src/frontmatter/parse.js';
import { mapChanges } from '../../src/mapping/apply.js';
import { applyTransform } from '../../src/mapping/fields.js';
import { frontMatterNeeds } from '../../src/mapping/needs.js';
import { MappingError, parseMapping } from '../../src/mapping/rules.js';
import { MAX_EXPANSION, parseTemplate, TemplateError } from '../../src/mapping/template.js';
import { expectationOf } from '../../src/verify/rules.js';
import { frontMatterKey, type ChangedFile, type FrontMatterIndex } from '../../src/types.js';

const fm = (text: string) => parseFrontMatter(Buffer.from(text));
const fields = (text: string) => {
  const r = fm(text);
  if (r.kind !== 'fields') throw new Error(`expected fields, got ${JSON.stringify(r)}`);
  return r.fields;
};

describe('front matter formats', () => {
  it('YAML between --- lines; only the front matter is parsed', () => {
    expect(fields('---\ntitle: Hello\nslug: custom-slug\n---\n# body: [not: yaml\n')).toEqual({ title: 'Hello', slug: 'custom-slug' });
    expect(fields('\uFEFF---\r\ntitle: BOM and CRLF\r\n---\r\nbody')).toEqual({ title: 'BOM and CRLF' });
    expect(fields('---yaml\na: 1\n---\n')).toEqual({ a: 1n });
    expect(fields('---\n---\nempty')).toEqual({});
  });

  it('TOML between +++ lines, JSON as Hugo accepts it', () => {
    expect(fields('+++\ntitle = "Hi"\nslug = "s"\n[author]\nid = "ann"\n+++\nbody')).toEqual({
      title: 'Hi',
      slug: 's',
      author: { id: 'ann' },
    });
    expect(fields('{\n  "title": "J {x}",\n  "slug": "j\\"q"\n}\nbody with } and {')).toEqual({ title: 'J {x}', slug: 'j"q' });
    expect(fields('---json\n{"a": "b"}\n---\n')).toEqual({ a: 'b' });
  });

  it('a file without front matter has none; a binary one too', () => {
    expect(fm('# Just markdown\n---\n')).toEqual({ kind: 'none' });
    expect(parseFrontMatter(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]))).toEqual({ kind: 'none' });
  });

  it('broken front matter names its line in the file', () => {
    expect(fm('---\ntitle: ok\nslug: [unclosed\n---\n')).toMatchObject({
      kind: 'broken',
      problem: expect.stringMatching(/^line [34]: the YAML does not parse/),
    });
    expect(fm('+++\ntitle = "a"\nslug = \n+++\n')).toMatchObject({
      kind: 'broken',
      problem: expect.stringMatching(/^line 3: the TOML does not parse/),
    });
    expect(fm('{\n"a": 1,\n"b": oops\n}\n')).toMatchObject({
      kind: 'broken',
      problem: expect.stringMatching(/^line 3: the JSON does not parse/),
    });
    expect(fm('---\ntitle: no end\n')).toEqual({
      kind: 'broken',
      problem: 'line 1: the front matter opened by --- has no closing --- line',
    });
    expect(fm('---\n- a\n- b\n---\n')).toMatchObject({ kind: 'broken', problem: expect.stringContaining('a list, not a map of fields') });
  });

  it('code front matter is refused, never run', () => {
    (globalThis as Record<string, unknown>).ran = false;
    for (const lang of ['js', 'javascript', 'JavaScript']) {
      expect(fm(`---${lang}\n{ slug: (globalThis.ran = true, "x") }\n---\n`)).toEqual({
        kind: 'broken',
        problem: `line 1: front matter in ${lang.toLowerCase()} is code, and code is never run: write it as YAML, TOML or JSON`,
      });
    }
    expect((globalThis as Record<string, unknown>).ran).toBe(false);
    // A YAML tag that other parsers would turn into a function stays inert text.
    expect(fields('---\nslug: !!js/function "function(){ return 1 }"\n---\n')).toEqual({ slug: 'function(){ return 1 }' });
  });

  it('an alias bomb stops at the limit instead of filling memory', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`),
    ];
    expect(fm(`---\n${bomb.join('\n')}\n---\n`)).toMatchObject({ kind: 'broken' });
  });

  it('front matter not closed within the read cap is left unread, with a note', () => {
    expect(parseFrontMatter(Buffer.from(`---\ntitle: x\n${'a: b\n'.repeat(10)}`), false)).toEqual({
      kind: 'unread',
      reason: `the front matter opened by --- does not close within the first ${FRONT_MATTER_CAP / 1024 / 1024} MiB, which is all that is read`,
    });
  });
});

describe('template syntax', () => {
  it('reads fields, fallbacks and transforms', () => {
    const t = parseTemplate('/blog/[fm.slug ?? fm.title|slugify ?? x]');
    expect(t).toMatchObject({ fields: ['slug', 'title'], names: ['x'], inserts: true });
    const u = parseTemplate('/blog/[ fm.slug ?? file | lower ]');
    expect(u.parts[1]).toEqual({
      insert: {
        text: '[ fm.slug ?? file | lower ]',
        from: [
          { field: ['slug'], transforms: [] },
          { capture: 'file', transforms: ['lower'] },
        ],
      },
    });
    expect(u.names).toEqual(['file']);
    expect(parseTemplate('/blog').inserts).toBe(false);
    expect(parseTemplate('/blog/[slug]')).toMatchObject({ inserts: true, fields: [] });
  });

  it('refuses what it cannot read, naming the bracket', () => {
    const err = (s: string) => {
      try {
        parseTemplate(s);
      } catch (e) {
        if (e instanceof TemplateError) return e.message;
        throw e;
      }
      throw new Error('expected an error');
    };
    expect(err('/[file|upper]')).toBe('"/[file|upper]": "[file|upper]" names the transform "upper"; the transforms are lower, slugify');
    expect(err('/[fm.]')).toMatch(/a front-matter field is written fm\.key/);
    expect(err('/[fm.slug ?? ]')).toMatch(/has an empty choice/);
    expect(err('/[a b]')).toMatch(/is not a capture/);
  });

  it('a fallback capture the pattern lacks is a configuration error', () => {
    expect(() => parseMapping('- files: content/[file].md\n  paths: "/[fm.slug ?? slug]"\n', 'm')).toThrow(MappingError);
    expect(() => parseMapping('- files: content/[file].md\n  paths: "/[fm.slug ?? file]"\n', 'm')).not.toThrow();
  });
});

describe("slugify follows Eleventy's slugify filter", () => {
  // Eleventy's own documentation (docs/filters/slugify) and the examples in its pull request
  // that introduced the filter (11ty/eleventy#1873), plus @sindresorhus/slugify's README.
  it.each([
    ['My Title', 'my-title'],
    ['Peter DeCamelize deHaan', 'peter-decamelize-dehaan'],
    ['random !=?"\' chars', 'random-chars'],
    ['I ♥ Dogs', 'i-love-dogs'],
    ['  Déjà Vu!  ', 'deja-vu'],
    ['My_Post Title', 'my-post-title'],
  ])('%j → %j', (input, slug) => {
    expect(applyTransform('slugify', input)).toBe(slug);
  });

  it('lower lower-cases, whatever the locale', () => {
    expect(applyTransform('lower', 'Hello-World.MD')).toBe('hello-world.md');
  });
});

/** Maps files with front matter given per side, returning `type:value` and the warnings. */
function mapWith(mapping: string, files: ChangedFile[], sides: { base?: Record<string, string>; head?: Record<string, string> }) {
  const { rules } = parseMapping(mapping, 'input `mapping`');
  const index: FrontMatterIndex = new Map();
  for (const side of ['base', 'head'] as const)
    for (const [path, text] of Object.entries(sides[side] ?? {})) index.set(frontMatterKey(side, path), fm(text));
  const result = mapChanges(rules, files, { paths: [], tags: [] }, index);
  return { keys: result.targets.map((t) => `${t.type}:${t.value}`), warnings: result.warnings ?? [], result };
}

const RULE = `
- files: content/blog/[file].{md,mdx}
  paths: ["/blog/[fm.slug ?? file]", /blog]
  tags: [posts, "tag:[fm.tags]", "author:[fm.author.id]"]
`;

describe('mapping with front matter', () => {
  it("the issue's example: slug, tags list and a nested key", () => {
    const { keys } = mapWith(RULE, [{ path: 'content/blog/fm.md', status: 'added' }], {
      head: { 'content/blog/fm.md': '---\nslug: custom-slug\ntags: [a, b]\nauthor:\n  id: ann\n---\n' },
    });
    expect(keys).toEqual(['path:/blog', 'path:/blog/custom-slug', 'tag:author:ann', 'tag:posts', 'tag:tag:a', 'tag:tag:b']);
  });

  it('a changed slug revalidates the old address and the new, each said to come from its side', () => {
    const { keys, result } = mapWith(RULE, [{ path: 'content/blog/p.md', status: 'modified' }], {
      base: { 'content/blog/p.md': '---\nslug: old-slug\n---\n' },
      head: { 'content/blog/p.md': '---\nslug: new-slug\n---\n' },
    });
    expect(keys).toEqual(['path:/blog', 'path:/blog/new-slug', 'path:/blog/old-slug', 'tag:posts']);
    const from = (v: string) => result.targets.find((t) => t.value === v)?.from;
    expect(from('/blog/old-slug')).toEqual([{ file: 'content/blog/p.md', side: 'base', inserts: true }]);
    expect(from('/blog/new-slug')).toEqual([{ file: 'content/blog/p.md', side: 'head', inserts: true }]);
    expect(from('/blog')).toEqual([
      { file: 'content/blog/p.md', side: 'base', inserts: false },
      { file: 'content/blog/p.md', side: 'head', inserts: false },
    ]);
  });

  it("verification expects the old slug's page gone and the new one served (issue 15 on top of 13)", () => {
    const { result } = mapWith(RULE, [{ path: 'content/blog/p.md', status: 'modified' }], {
      base: { 'content/blog/p.md': '---\nslug: old-slug\n---\n' },
      head: { 'content/blog/p.md': '---\nslug: new-slug\n---\n' },
    });
    const expected = Object.fromEntries(result.targets.filter((t) => t.type === 'path').map((t) => [t.value, expectationOf(t)]));
    expect(expected).toEqual({ '/blog': 'served', '/blog/new-slug': 'served', '/blog/old-slug': 'gone' });
  });

  it('an unchanged slug of a modified file is served', () => {
    const { result } = mapWith(RULE, [{ path: 'content/blog/p.md', status: 'modified' }], {
      base: { 'content/blog/p.md': '---\nslug: same\n---\n' },
      head: { 'content/blog/p.md': '---\nslug: same\ntitle: edited\n---\n' },
    });
    expect(result.targets.find((t) => t.value === '/blog/same')).toBeDefined();
    expect(result.targets.find((t) => t.value === '/blog/same')?.goneWithFile).toBeUndefined();
  });

  it('a renamed file reads its old name at the base and its new name at the head', () => {
    const { keys, result } = mapWith(RULE, [{ path: 'content/blog/b.md', previousPath: 'content/blog/a.md', status: 'renamed' }], {
      base: { 'content/blog/a.md': '---\nslug: was\n---\n' },
      head: { 'content/blog/b.md': '---\nslug: is\n---\n' },
    });
    expect(keys).toEqual(['path:/blog', 'path:/blog/is', 'path:/blog/was', 'tag:posts']);
    expect(result.targets.find((t) => t.value === '/blog/was')?.from).toEqual([{ file: 'content/blog/a.md', side: 'base', inserts: true }]);
  });

  it('falls back to the capture when the field is missing, empty or the front matter is broken', () => {
    const files: ChangedFile[] = ['none', 'empty', 'broken'].map((n) => ({ path: `content/blog/${n}.md`, status: 'added' }));
    const { keys } = mapWith('- files: content/blog/[file].md\n  paths: "/blog/[fm.slug ?? file]"\n', files, {
      head: {
        'content/blog/none.md': 'no front matter',
        'content/blog/empty.md': '---\nslug: ""\n---\n',
        'content/blog/broken.md': '---\nslug: [\n---\n',
      },
    });
    expect(keys).toEqual(['path:/blog/broken', 'path:/blog/empty', 'path:/blog/none']);
  });

  it('a field falls back to another field', () => {
    const { keys } = mapWith(
      '- files: "[file].md"\n  paths: "/[fm.permalink ?? fm.title|slugify ?? file]"\n',
      [{ path: 'x.md', status: 'added' }],
      {
        head: { 'x.md': '---\ntitle: My_Post Title\n---\n' },
      },
    );
    expect(keys).toEqual(['path:/my-post-title']);
  });

  it('without a fallback, a missing field gives no target from that template and a warning naming the file and field', () => {
    const { keys, warnings } = mapWith(
      RULE,
      [
        { path: 'content/blog/a.md', status: 'added' },
        { path: 'content/blog/b.md', status: 'added' },
      ],
      {
        head: { 'content/blog/a.md': '---\ntags: [x]\n---\n', 'content/blog/b.md': 'plain' },
      },
    );
    expect(keys).toEqual(['path:/blog', 'path:/blog/a', 'path:/blog/b', 'tag:posts', 'tag:tag:x']);
    expect(warnings).toEqual([
      'input `mapping`, rule 1 (line 2): "author:[fm.author.id]" needs fm.author.id and has no fallback: no target from it for content/blog/a.md (head: its front matter has no fm.author.id), content/blog/b.md (head: it has no front matter)',
      'input `mapping`, rule 1 (line 2): "tag:[fm.tags]" needs fm.tags and has no fallback: no target from it for content/blog/b.md (head: it has no front matter)',
    ]);
  });

  it('front matter parsed once for both sides (one value) maps as two parses of the same text do', () => {
    const { rules } = parseMapping(RULE, 'input `mapping`');
    const files: ChangedFile[] = [{ path: 'content/blog/p.md', status: 'modified' }];
    const text = '---\nslug: same\ntags: [a, b]\n---\n';
    const shared = fm(text);
    const once: FrontMatterIndex = new Map([
      [frontMatterKey('base', 'content/blog/p.md'), shared],
      [frontMatterKey('head', 'content/blog/p.md'), shared],
    ]);
    const twice: FrontMatterIndex = new Map([
      [frontMatterKey('base', 'content/blog/p.md'), fm(text)],
      [frontMatterKey('head', 'content/blog/p.md'), fm(text)],
    ]);
    const a = mapChanges(rules, files, { paths: [], tags: [] }, once);
    expect(a).toEqual(mapChanges(rules, files, { paths: [], tags: [] }, twice));
    expect(a.targets.find((t) => t.value === 'tag:a')?.from).toEqual([
      { file: 'content/blog/p.md', side: 'base', inserts: true },
      { file: 'content/blog/p.md', side: 'head', inserts: true },
    ]);
    expect(a.warnings).toEqual([
      'input `mapping`, rule 1 (line 2): "author:[fm.author.id]" needs fm.author.id and has no fallback: no target from it for content/blog/p.md (base: its front matter has no fm.author.id), content/blog/p.md (head: its front matter has no fm.author.id)',
    ]);
  });

  it('a map where one value is wanted gives no target, and says to name a field inside it', () => {
    const { keys, warnings } = mapWith('- files: "[f].md"\n  tags: "author:[fm.author]"\n', [{ path: 'a.md', status: 'added' }], {
      head: { 'a.md': '---\nauthor: { id: ann }\n---\n' },
    });
    expect(keys).toEqual([]);
    expect(warnings[0]).toContain('fm.author is a map of fields, not one value (name a field inside it)');
  });

  it('values print as the site prints them: dates as written, numbers and booleans as text', () => {
    const rule = '- files: "[f].md"\n  tags: ["d:[fm.date]", "n:[fm.n]", "b:[fm.draft]"]\n';
    expect(
      mapWith(rule, [{ path: 'a.md', status: 'added' }], { head: { 'a.md': '---\ndate: 2024-03-01\nn: 1.50\ndraft: false\n---\n' } }).keys,
    ).toEqual(['tag:b:false', 'tag:d:2024-03-01', 'tag:n:1.5']);
    expect(
      mapWith(rule, [{ path: 'a.md', status: 'added' }], {
        head: { 'a.md': '+++\ndate = 2024-03-01\nn = 12345678901234567890\ndraft = true\n+++\n' },
      }).keys,
    ).toEqual(['tag:b:true', 'tag:d:2024-03-01', 'tag:n:12345678901234567890']);
  });

  it('a key after a list reaches into each item; an index picks one', () => {
    const rule = '- files: "[f].md"\n  tags: ["a:[fm.authors.id]", "first:[fm.authors.0.id]"]\n';
    expect(
      mapWith(rule, [{ path: 'a.md', status: 'added' }], { head: { 'a.md': '---\nauthors: [{id: x}, {id: y}]\n---\n' } }).keys,
    ).toEqual(['tag:a:x', 'tag:a:y', 'tag:first:x']);
  });

  it('two lists in one template expand to their product, capped and reported', () => {
    const rule = '- files: "[f].md"\n  tags: "[fm.a]-[fm.b]"\n';
    const small = mapWith(rule, [{ path: 'a.md', status: 'added' }], { head: { 'a.md': '---\na: [1, 2]\nb: [x, y]\n---\n' } });
    expect(small.keys).toEqual(['tag:1-x', 'tag:1-y', 'tag:2-x', 'tag:2-y']);
    const list = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;
    const big = mapWith(rule, [{ path: 'a.md', status: 'added' }], { head: { 'a.md': `---\na: ${list(20)}\nb: ${list(20)}\n---\n` } });
    expect(big.keys).toHaveLength(MAX_EXPANSION);
    expect(big.warnings).toEqual([
      `input \`mapping\`, rule 1 (line 1): "[fm.a]-[fm.b]" expands to more than ${MAX_EXPANSION} values for one file (lists multiply); only the first ${MAX_EXPANSION} are sent: no target from it for a.md (head: 400)`,
    ]);
  });

  it('Jekyll date names: the date and the title are captures', () => {
    const rule = `
- files: _posts/[year]-[month]-[day]-[title].md
  paths: ["/blog/[title]", "/[year]/[month]/[day]/[fm.slug ?? title]"]
`;
    expect(
      mapWith(rule, [{ path: '_posts/2024-03-01-hello.md', status: 'added' }], { head: { '_posts/2024-03-01-hello.md': '---\n---\n' } })
        .keys,
    ).toEqual(['path:/2024/03/01/hello', 'path:/blog/hello']);
  });

  it('Hugo url and aliases', () => {
    const rule = '- files: content/posts/[file].md\n  paths: ["/[fm.url ?? file]", "/[fm.aliases]"]\n';
    expect(
      mapWith(rule, [{ path: 'content/posts/p.md', status: 'modified' }], {
        base: { 'content/posts/p.md': '+++\nurl = "/about/me/"\n+++\n' },
        head: { 'content/posts/p.md': '+++\nurl = "/about/me/"\naliases = ["/old/", "/older"]\n+++\n' },
      }).keys,
    ).toEqual(['path:/about/me', 'path:/old', 'path:/older']);
  });

  it('plain templates are untouched: the same targets whether or not front matter is given', () => {
    const rule = '- files: content/[slug].md\n  paths: /p/[slug]\n  tags: all\n';
    const files: ChangedFile[] = [{ path: 'content/a.md', status: 'modified' }];
    expect(mapWith(rule, files, {}).keys).toEqual(['path:/p/a', 'tag:all']);
    expect(mapWith(rule, files, { head: { 'content/a.md': '---\nslug: other\n---\n' } }).keys).toEqual(['path:/p/a', 'tag:all']);
  });
});

describe('which files are read', () => {
  const files: ChangedFile[] = [
    { path: 'content/blog/a.md', status: 'added' },
    { path: 'content/blog/d.md', status: 'deleted' },
    { path: 'content/blog/m.md', status: 'modified' },
    { path: 'content/blog/new.md', previousPath: 'content/blog/old.md', status: 'renamed' },
    { path: 'data/x.json', status: 'modified' },
  ];

  it('only names a rule with fm. matches, at the sides they exist at', () => {
    const { rules } = parseMapping(RULE + '- files: data/*.json\n  tags: data\n', 'm');
    expect(frontMatterNeeds(rules, files)).toEqual({
      base: ['content/blog/d.md', 'content/blog/m.md', 'content/blog/old.md'],
      head: ['content/blog/a.md', 'content/blog/m.md', 'content/blog/new.md'],
    });
  });

  it('none for a mapping without fm.', () => {
    const { rules } = parseMapping('- files: content/blog/[f].md\n  paths: "/blog/[f|lower]"\n', 'm');
    expect(frontMatterNeeds(rules, files)).toEqual({ base: [], head: [] });
  });
});

describe('git cat-file --batch output, read as it streams', () => {
  const header = (oid: string, size: number) => `${oid} blob ${size}\n`;
  const specs = ['c:a.md', 'c:gone.md', 'c:big.bin', 'c:sub'];
  const stream = Buffer.concat([
    Buffer.from(`${header('1'.repeat(40), 5)}hello\n`),
    Buffer.from('c:gone.md missing\n'),
    Buffer.from(header('2'.repeat(40), 20)),
    Buffer.alloc(20, 'x'),
    Buffer.from('\n'),
    Buffer.from(`${'3'.repeat(40)} commit 3\nabc\n`),
  ]);

  it.each([1, 2, 7, 1000])('in chunks of %i bytes', (size) => {
    const reader = new BatchReader(specs, ['a.md', 'gone.md', 'big.bin', 'sub'], 8);
    for (let i = 0; i < stream.length; i += size) reader.push(stream.subarray(i, i + size));
    expect(reader.done()).toBe(true);
    expect(reader.results.get('a.md')).toEqual({ bytes: Buffer.from('hello'), size: 5 });
    expect(reader.results.get('gone.md')).toEqual({ skipped: 'no such file' });
    expect(reader.results.get('big.bin')).toEqual({ bytes: Buffer.alloc(8, 'x'), size: 20 });
    expect(reader.results.get('sub')).toEqual({ skipped: 'not a file (a commit)' });
  });
});

describe('the README front-matter examples', () => {
  // <!-- with front matter: FILE {JSON} → path /x, tag y --> after a mapping block: the file,
  // modified, with that front matter on both sides, gives exactly those targets.
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```([\s\S]*?)(?=```|$)/g)].map((m) => ({ yaml: m[1] ?? '', after: m[2] ?? '' }));
  const examples = blocks.flatMap((b) =>
    [...b.after.matchAll(/<!-- with front matter: (\S+) (\{.*\}) → (.+?) -->/g)].map((m) => ({
      yaml: b.yaml,
      file: m[1] ?? '',
      json: m[2] ?? '',
      want: m[3] ?? '',
    })),
  );

  it('has the worked examples the issue asks for', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples.map((e) => [e.file, e.json, e] as const))('%s with %s', (_file, _json, e) => {
    const { keys } = mapWith(e.yaml, [{ path: e.file, status: 'modified' }], { base: { [e.file]: e.json }, head: { [e.file]: e.json } });
    const want = e.want === 'nothing' ? [] : e.want.split(', ').map((t) => t.replace(' ', ':'));
    expect([...keys].sort()).toEqual([...want].sort());
  });
});

describe('what a source keeps of a file read', () => {
  const part = (text: string) => Buffer.from(frontMatterPart(Buffer.from(text))).toString('utf8');
  it('the front matter up to its closing line, nothing without one, all when it does not close', () => {
    expect(part('---\nslug: a\n---\nthe long body')).toBe('---\nslug: a\n---\n');
    expect(part('---\nslug: a\n----not a fence\n--- \r\nbody')).toBe('---\nslug: a\n----not a fence\n--- \r\n');
    expect(part('+++\nslug = "a"\n+++')).toBe('+++\nslug = "a"\n+++');
    expect(part('\uFEFF---\na: 1\n---\nbody')).toBe('\uFEFF---\na: 1\n---\n');
    expect(part('# no front matter\n---\n')).toBe('');
    expect(part('---\nnever closed')).toBe('---\nnever closed');
    expect(part('{"a": 1}\nbody')).toBe('{"a": 1}\nbody');
  });

  it('what is kept parses as the whole file does', () => {
    for (const text of ['---\nslug: a\n---\nbody', '---\na: [1\n---\nbody', 'plain', '---js\n{}\n---\n', '+++\nx = 1\n+++\nbody']) {
      const whole = Buffer.from(text);
      expect(parseFrontMatter(frontMatterPart(whole), false)).toEqual(parseFrontMatter(whole, true));
    }
  });
});
