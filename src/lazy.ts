/**
 * A value built on first use, then kept.
 *
 * Why: a zod schema built at module level is built on every run, and building schemas was the
 * largest share of the action's own start-up (bench/README.md). Schemas that only some runs need
 * (pull request and dispatch payloads, GitHub API replies, the endpoint's replies) are wrapped in
 * lazy() so a push that changes no content file builds only what it uses.
 */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
