#!/usr/bin/env node
// Builds every bundle into dist/ (or the folder given), replacing what was there.
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundle } from './bundle.mjs';
import { BUNDLES } from './bundles.mjs';

const outDir = resolve(process.argv[2] ?? 'dist');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const { entry, output } of BUNDLES) bundle(entry, outDir, output);
