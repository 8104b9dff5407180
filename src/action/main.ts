/**
 * run(): the action. Reads the inputs (masking the secret first), runs the engine with the
 * runner's log, and writes the report it returns, so every output is set on every run. Every
 * line it prints goes through text.ts: nothing from outside becomes a workflow command.
 */
import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { cancelOnSignals } from '../cancel.js';
import { runEngine, type Logger } from '../engine.js';
import { ACTION_NAMES } from '../inputs.js';
import { conclude } from '../report.js';
import { annotation, logLine, printable } from '../text.js';
import { readInputs } from './inputs.js';
import { writeReport } from './report.js';

const actionsLog: Logger = {
  info: (line) => core.info(logLine(line)),
  debug: (line) => core.debug(printable(line)),
  group: (name, body) => core.group(printable(name), body),
};

export async function run(): Promise<void> {
  const cancellation = cancelOnSignals();
  const report = await runEngine(
    readInputs(),
    {
      workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
      eventName: process.env.GITHUB_EVENT_NAME ?? '',
      readPayload: readEventPayload,
      repository: process.env.GITHUB_REPOSITORY || undefined,
      apiUrl: process.env.GITHUB_API_URL || undefined,
      serverUrl: process.env.GITHUB_SERVER_URL || undefined,
      signal: cancellation.signal,
      names: ACTION_NAMES,
      run: { id: process.env.GITHUB_RUN_ID, number: process.env.GITHUB_RUN_NUMBER, workflowRef: process.env.GITHUB_WORKFLOW_REF },
      env: process.env,
    },
    actionsLog,
  );
  const outputsProblem = await writeReport(report);
  const verdict = conclude(report);
  if (verdict.info) core.info(logLine(verdict.info));
  if (verdict.warning) core.warning(annotation(verdict.warning));
  if (verdict.error) core.setFailed(annotation(verdict.error));
  if (outputsProblem) core.setFailed(annotation(outputsProblem));
  // A cancelled run has written its report; a stage it abandoned (a git fetch, an API request)
  // must not keep the process alive until the runner kills it.
  if (report.cancelled) process.exit();
}

async function readEventPayload(): Promise<unknown> {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) return {};
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (e) {
    throw new Error(`cannot read the event payload at GITHUB_EVENT_PATH (${path}): ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}
