/**
 * The action's edge of the report: outputs, annotations and the job summary through
 * the runner (runner.ts). Called in `finally`, so a run that failed half-way still says what it did.
 */
// The runner's protocol without @actions/core's start-up cost: see runner.ts.
import * as core from './runner.js';
import { buildOutputs, failureAnnotations, renderSummary, type RunReport } from './report.js';
import { annotation } from './text.js';

/** Writes outputs, annotations and the job summary. Never throws: reporting must not hide the result. */
export async function writeReport(report: RunReport): Promise<void> {
  for (const [name, value] of Object.entries(buildOutputs(report))) core.setOutput(name, value);
  for (const w of report.warnings) core.warning(annotation(w));
  for (const line of failureAnnotations(report)) core.error(annotation(line), { title: 'isr-revalidate: not revalidated' });
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderSummary(report), true).write();
    } catch (e) {
      core.warning(annotation(`could not write the job summary: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
}
