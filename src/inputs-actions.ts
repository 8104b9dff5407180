/**
 * The action's edge of the inputs: reads the runner's INPUT_* variables (@actions/core)
 * and hands them to the pure `parseSettings`. Kept apart from inputs.ts so that the command
 * line, which shares parseSettings, does not bundle @actions/core.
 */
import * as core from '@actions/core';
import { INPUT_NAMES, parseSettings, type RawInputs, type Settings } from './inputs.js';

/**
 * Reads every input from the runner. The secret is masked before anything else can print it.
 */
export function readSettings(): Settings {
  const raw: RawInputs = {};
  for (const name of INPUT_NAMES) raw[name] = core.getInput(name, { trimWhitespace: name !== 'secret' });
  if (raw.secret) core.setSecret(raw.secret);
  if (raw['github-token']) core.setSecret(raw['github-token']);
  return parseSettings(raw);
}
