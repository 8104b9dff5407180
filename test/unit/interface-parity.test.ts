/**
 * One interface, four places that state it: action.yml's inputs and defaults, the settings
 * schema (src/inputs.ts), the command line's options and its --help text. They must agree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HELP, OPTIONS } from '../../src/cli/main.js';
import { INPUT_NAMES, parseSettings, type InputName } from '../../src/inputs.js';
import { ROOT } from '../helpers/action.js';

const ACTION = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
const inputs = Object.keys(ACTION.inputs);

/** Inputs the command line takes another way, on purpose. */
const CLI_FORM: Partial<Record<InputName, string | null>> = {
  secret: '--secret-env', // the name of an environment variable: a secret in argv shows in process listings
  'github-token': null, // the command line has no GitHub API source
  'dry-run': '--dry-run', // a flag, not a value
  'fail-on-error': '--no-fail-on-error', // the default is on; the flag turns it off
  since: '--since-ref', // no run history outside Actions: a ref the user moves after each successful run
  verify: '--verify', // a flag (and --verify-warn for `warn`), not a value
  'verify-headers': '--verify-headers-env', // header values are secrets: an environment variable holds them
};
const cliOption = (input: InputName) => (input in CLI_FORM ? CLI_FORM[input] : `--${input}`);
const options = Object.keys(OPTIONS).map((o) => `--${o}`);

describe('action.yml, the settings schema and the command line agree', () => {
  it('the schema reads exactly the inputs action.yml declares, in its order', () => {
    expect([...INPUT_NAMES]).toEqual(inputs);
  });

  it('every default in action.yml is the schema’s own default', () => {
    const withDefaults = Object.fromEntries(
      inputs.filter((i) => ACTION.inputs[i]?.default !== undefined && i !== 'github-token').map((i) => [i, ACTION.inputs[i]?.default]),
    );
    expect(Object.keys(withDefaults).length).toBeGreaterThan(5);
    // dry-run so that endpoint and secret may be absent; its own default is checked alone below.
    expect(parseSettings({ ...withDefaults, 'dry-run': 'true' })).toEqual(parseSettings({ 'dry-run': 'true' }));
    expect(parseSettings({ endpoint: 'https://x.example/r', secret: 's', 'dry-run': ACTION.inputs['dry-run']?.default ?? '' }).dryRun).toBe(
      parseSettings({ endpoint: 'https://x.example/r', secret: 's' }).dryRun,
    );
  });

  it('every input has its command-line option, and every option is an input or a command-line matter', () => {
    const expected = inputs.map((i) => cliOption(i as InputName)).filter((o): o is string => o !== null);
    for (const option of expected) expect(options, option).toContain(option);
    const ownOptions = options.filter((o) => !expected.includes(o));
    expect(ownOptions.sort()).toEqual(['--cwd', '--help', '--json', '--summary-file', '--verify-warn', '--version']);
  });

  it('--help names every option, and states the defaults action.yml states', () => {
    for (const option of options) expect(HELP, option).toMatch(new RegExp(`^\\s+(-\\w, )?${option}\\b`, 'm'));
    for (const input of inputs as InputName[]) {
      const option = cliOption(input);
      const value = ACTION.inputs[input]?.default;
      if (!option || value === undefined || ['dry-run', 'fail-on-error', 'since'].includes(input)) continue;
      if (!option || value === undefined || ['dry-run', 'fail-on-error', 'verify'].includes(input)) continue;
      const line = HELP.split('\n').find((l) => new RegExp(`^\\s+${option}\\b`).test(l)) ?? '';
      const continued = HELP.split('\n')[HELP.split('\n').indexOf(line) + 1] ?? '';
      expect(`${line} ${continued}`, option).toContain(`(default: ${value})`);
    }
  });
});
