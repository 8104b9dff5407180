/**
 * The action's edge of the inputs: reads the runner's INPUT_* variables through @actions/core.
 * The engine validates them (inputs.ts), which keeps @actions/core out of the command line.
 */
import * as core from '@actions/core';
import { secretEnvNames } from '../endpoints.js';
import { INPUT_NAMES, type RawInputs } from '../inputs.js';

/** Every input as the runner gives it. The secret and the token are masked before anything can print them. */
export function readInputs(): RawInputs {
  const raw: RawInputs = {};
  for (const name of INPUT_NAMES) raw[name] = core.getInput(name, { trimWhitespace: name !== 'secret' });
  if (raw.secret) core.setSecret(raw.secret);
  if (raw['github-token']) core.setSecret(raw['github-token']);
  // verify-headers: each value (a deployment-protection bypass, a token) is a secret of its own.
  for (const line of (raw['verify-headers'] ?? '').split(/\r?\n/)) {
    const value = line.slice(line.indexOf(':') + 1).trim();
    if (line.includes(':') && value !== '') core.setSecret(value);
  }
  // Each endpoint's secret or token, from the environment variable its `secret-env` names.
  for (const name of secretEnvNames(raw.endpoints)) {
    const value = process.env[name];
    if (value) core.setSecret(value);
  }
  return raw;
}
