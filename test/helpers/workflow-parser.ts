/**
 * GitHub's own parser for action metadata and workflows (@actions/workflow-parser, the package
 * behind GitHub's workflow language service), loaded as plain Node loads it.
 */
import { register } from 'node:module';

// The package imports its JSON schemas without import attributes; the hook adds them.
register('./json-import-hook.mjs', import.meta.url);
const { parseWorkflow, NoOperationTraceWriter } = await import('@actions/workflow-parser');
const { parseAction } = await import('@actions/workflow-parser/actions/index');

/** The parser's error messages for an action.yml text ("name (Line: L, Col: C): message"). */
export function actionErrors(name: string, content: string): string[] {
  const result = parseAction({ name, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}

/** The parser's error messages for a workflow text. */
export function workflowErrors(name: string, content: string): string[] {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}
