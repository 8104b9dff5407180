// The bundles in dist/: entry source → output file name.
export const BUNDLES = [{ entry: 'src/index.ts', output: 'index.js' }];
