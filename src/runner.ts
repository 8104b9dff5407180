/**
 * The runner's side of an action: inputs from INPUT_* variables, workflow commands on stdout
 * (`::add-mask::`, `::group::`, `::warning::`, `::error::`), and the GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files. These are the few calls of @actions/core that the action uses, with
 * the same names, arguments and bytes written (test/runner.test.ts checks that against
 * @actions/core itself).
 *
 * Why not import @actions/core: its entry module loads @actions/http-client and undici (for OIDC
 * tokens, which this action never asks for) and @actions/exec. Parsing and starting those cost
 * 100 ms on Node 24 and 180 ms on Node 20 on every run (bench/README.md), and a bundler cannot
 * leave them out: the package does not declare itself free of side effects.
 *
 * Only the action's edges use this module (main.ts, inputs-actions.ts, report-actions.ts), as
 * they used @actions/core; the command line (cli.ts) never does.
 */
import { randomUUID } from 'node:crypto';
import { constants, existsSync, appendFileSync } from 'node:fs';
import { access, appendFile } from 'node:fs/promises';
import { EOL } from 'node:os';

export interface InputOptions {
  /** Whether leading and trailing whitespace is removed (default true). */
  trimWhitespace?: boolean;
}

export interface AnnotationProperties {
  title?: string;
}

/** Workflow commands carry any value: non-strings as JSON, undefined and null as ''. */
function commandValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// The runner reads one command per line, and `%`, CR and LF in it as escapes; in properties
// also `:` and `,`, which separate them.
function escapeData(value: unknown): string {
  return commandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: unknown): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function issue(command: string, message: unknown, properties: Record<string, string | undefined> = {}): void {
  const props = Object.entries(properties)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

export function getInput(name: string, options: InputOptions = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
  return options.trimWhitespace === false ? value : value.trim();
}

/** Tells the runner to replace the value with *** wherever it would appear in the log. */
export function setSecret(secret: string): void {
  issue('add-mask', secret);
}

/** Shown only when the workflow runs with step debug logging on. */
export function debug(message: string): void {
  issue('debug', message);
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export function warning(message: string, properties: AnnotationProperties = {}): void {
  issue('warning', message, { title: properties.title });
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  issue('error', message, { title: properties.title });
}

/** Marks the step failed (exit code 1 when the process ends) with an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

/** Runs `body` inside a collapsible group of the log. */
export async function group<T>(name: string, body: () => Promise<T>): Promise<T> {
  issue('group', name);
  try {
    return await body();
  } finally {
    issue('endgroup', '');
  }
}

/** Appends `name<<delimiter` / value / delimiter to GITHUB_OUTPUT; a random delimiter that cannot be forged. */
export function setOutput(name: string, value: unknown): void {
  const file = process.env.GITHUB_OUTPUT;
  const text = commandValue(value);
  if (!file) {
    process.stdout.write(EOL);
    issue('set-output', text, { name });
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || text.includes(delimiter)) throw new Error(`Unexpected input: output ${name} contains the delimiter "${delimiter}"`);
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${text}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' });
}

/** The job summary: Markdown appended to GITHUB_STEP_SUMMARY. */
export const summary = {
  addRaw(text: string, addEOL = false) {
    const buffer = addEOL ? text + EOL : text;
    return {
      async write(): Promise<void> {
        const file = process.env.GITHUB_STEP_SUMMARY;
        if (!file) throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.');
        try {
          await access(file, constants.R_OK | constants.W_OK);
        } catch {
          throw new Error(`Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`);
        }
        await appendFile(file, buffer, { encoding: 'utf8' });
      },
    };
  },
};
