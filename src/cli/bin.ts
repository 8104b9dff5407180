#!/usr/bin/env node
/** The `isr-revalidate` command's entry (bundled as dist/cli.js): runs main() with this process. */
import pkg from '../../package.json' with { type: 'json' };
import { main } from './main.js';

process.exitCode = await main({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  version: pkg.version,
});
