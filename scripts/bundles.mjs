// The bundles in dist/: entry source → output file name.
//   index.js — the action (action.yml `runs.main`)
//   cli.js   — the `isr-revalidate` command (package.json `bin`); carries no @actions/core
export const BUNDLES = [
  { entry: 'src/action/index.ts', output: 'index.js' },
  { entry: 'src/cli/bin.ts', output: 'cli.js' },
];
