/**
 * run(): the action. Reads the inputs (masking the secret first), runs the engine with the
 * runner's log, and writes the report in `finally`, so every output is set on every run.
 */
import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { redactor } from './delivery/send.js';
import { runEngine, type Logger } from './engine.js';
import { readSettings } from './inputs.js';
import { countResults, hasFailures, writeReport, type RunReport } from './report.js';

const actionsLog: Logger = {
  info: (line) => core.info(line),
  group: (name, body) => core.group(name, body),
};

export async function run(): Promise<void> {
  const report: RunReport = { dryRun: false, deliveries: [], warnings: [] };
  let redact = (text: string) => text;
  let failOnError = true;
  try {
    const settings = readSettings();
    redact = redactor(settings.secret ?? '');
    failOnError = settings.failOnError;
    const context = {
      workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
      eventName: process.env.GITHUB_EVENT_NAME ?? '',
      payload: await readEventPayload(),
      repository: process.env.GITHUB_REPOSITORY || undefined,
      apiUrl: process.env.GITHUB_API_URL || undefined,
      serverUrl: process.env.GITHUB_SERVER_URL || undefined,
    };
    await runEngine(settings, context, actionsLog, report);
  } catch (error) {
    report.fatal = redact(error instanceof Error ? error.message : String(error));
  } finally {
    await writeReport(report);
    const c = countResults(report);
    if (report.fatal) core.setFailed(report.fatal);
    else {
      core.info(`${c.revalidated} revalidated, ${c.failed} failed, ${c.skipped + c.rejected} not sent${report.dryRun ? ' (dry run)' : ''}`);
      if (hasFailures(report)) {
        const message = `${c.failed + c.skipped + c.rejected} of ${c.targets + c.rejected} target(s) were not revalidated`;
        if (failOnError) core.setFailed(message);
        else core.warning(`${message} (fail-on-error is false)`);
      }
    }
  }
}

async function readEventPayload(): Promise<unknown> {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) return {};
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (e) {
    throw new Error(`cannot read the event payload at GITHUB_EVENT_PATH (${path}): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
