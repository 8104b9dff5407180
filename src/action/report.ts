/**
 * The action's edge of the report: outputs, annotations and the job summary through
 * @actions/core. Called in `finally`, so a run that failed half-way still says what it did.
 */
import * as core from '@actions/core';
import { buildOutputs, cutNote, failureAnnotations, renderSummary, verificationAnnotations, type RunReport } from '../report.js';
import { annotation } from '../text.js';

/**
 * Writes outputs, annotations and the job summary. Never throws: reporting must not hide the
 * result. Outputs that cannot be written (a full disk, GITHUB_OUTPUT a directory or read-only)
 * do not stop the rest: the message saying so is returned, for the step to fail with it.
 */
export async function writeReport(report: RunReport): Promise<string | undefined> {
  const outputs = buildOutputs(report);
  const outputsProblem = writeOutputs(outputs.values);
  for (const w of [...report.warnings, ...outputs.cuts.map(cutNote)]) core.warning(annotation(w));
  for (const line of failureAnnotations(report)) core.error(annotation(line), { title: 'isr-revalidate: not revalidated' });
  const verification = verificationAnnotations(report);
  for (const line of verification.lines) core[verification.level](annotation(line), { title: 'isr-revalidate: not verified' });
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderSummary(report), true).write();
    } catch (e) {
      core.warning(
        annotation(
          `could not write the job summary to GITHUB_STEP_SUMMARY (${process.env.GITHUB_STEP_SUMMARY}): ${reason(e)}; the log has the results`,
        ),
      );
    }
  }
  return outputsProblem;
}

function writeOutputs(outputs: Record<string, string>): string | undefined {
  const entries = Object.entries(outputs);
  for (const [i, [name, value]] of entries.entries()) {
    try {
      core.setOutput(name, value);
    } catch (e) {
      const missing = entries.slice(i).map(([n]) => n);
      return (
        `could not write the step's output${missing.length === 1 ? '' : 's'} ${missing.join(', ')} to GITHUB_OUTPUT (${process.env.GITHUB_OUTPUT ?? 'not set'}): ${reason(e)}. ` +
        'Later steps that read them get nothing; the job summary and this log have the results'
      );
    }
  }
  return undefined;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
