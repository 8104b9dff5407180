// The e2e site's configuration. Its root is pinned to this folder: the repository above has a
// lockfile of its own, and Next.js would otherwise take that one's folder as the project root.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const config = {
  // Each e2e test file builds and serves its own copy (NEXT_DIST_DIR), so files can run side by side.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  turbopack: { root },
  outputFileTracingRoot: root,
  poweredByHeader: false,
};

export default config;
