/**
 * The action's edge of the report: outputs, annotations and the job summary through
 * @actions/core. Called in `finally`, so a run that failed half-way still says what it did.
 */
import * as core from '@actions/core';
import { buildOutputs, failureAnnotations, renderSummary, type RunReport } from './report.js';

/** Writes outputs, annotations and the job summary. Never throws: reporting must not hide the result. */
export async function writeReport(report: RunReport): Promise<void> {
  for (const [name, value] of Object.entries(buildOutputs(report))) core.setOutput(name, value);
  for (const w of report.warnings) core.warning(w);
  for (const line of failureAnnotations(report)) core.error(line, { title: 'isr-revalidate: not revalidated' });
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderSummary(report), true).write();
    } catch (e) {
      core.warning(`could not write the job summary: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
