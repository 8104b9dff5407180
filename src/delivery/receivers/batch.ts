/**
 * `batch`: up to `batch-size` targets in one POST, `{"targets": [{type, value}, …]}`, with the
 * same secret header as `next-app`; the reply may judge each target (README, "The batch contract").
 *
 * - a 2xx reply with `results`: each listed target stands or falls by its own `revalidated`,
 *   whatever the top-level `revalidated` says; a target the list leaves out is not confirmed and
 *   is retried like a network error (then failed), resent alone with the others not confirmed;
 * - a reply without `results` is judged as the single contract judges one: for every target in it.
 */
import { z } from 'zod';
import { lazy } from '../../lazy.js';
import { judge, serverMessage, type Verdict } from '../policy.js';
import type { Target } from '../../types.js';
import { contractHeaders, ourContract, type SecretEndpoint } from './next-app.js';
import { inGroupsOf, type Receiver } from './types.js';

export { DEFAULT_BATCH_SIZE } from './types.js';

const resultSchema = lazy(() =>
  z.looseObject({
    type: z.enum(['path', 'tag']),
    value: z.string(),
    revalidated: z.unknown(),
    error: z.unknown().optional(),
  }),
);

/** The reply's `results`: undefined when it has none (or is not JSON), a string when they cannot be read. */
export function readResults(body: string): Array<z.infer<ReturnType<typeof resultSchema>>> | undefined | string {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || !('results' in data)) return undefined;
  const results = (data as { results: unknown }).results;
  if (!Array.isArray(results)) return 'its `results` is not a list';
  // An entry that is not a result confirms nothing; its target is then missing from the list.
  return results.flatMap((r) => {
    const parsed = resultSchema().safeParse(r);
    return parsed.success ? [parsed.data] : [];
  });
}

const key = (t: { type: string; value: string }) => `${t.type}\u0000${t.value}`;

export function batch(endpoint: SecretEndpoint & { batchSize: number }): Receiver {
  const headers = contractHeaders(endpoint);
  return {
    ...ourContract('batch', endpoint),
    chunk: (targets) => inGroupsOf(targets, endpoint.batchSize),
    request: (targets) => ({
      method: 'POST',
      url: endpoint.url,
      headers,
      body: JSON.stringify({ targets: targets.map((t) => ({ type: t.type, value: t.value })) }),
    }),
    judge: (outcome, targets, context) => {
      const whole = judge(outcome, context);
      const answered = outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300 && outcome.cutAtBytes === undefined;
      if (!answered) return targets.map(() => whole);
      const results = readResults(outcome.body);
      if (results === undefined) return targets.map(() => whole);
      const status = outcome.status;
      if (typeof results === 'string') {
        return targets.map(() => ({ action: 'fail', reason: `HTTP ${status} but the reply cannot be read: ${results}` }) as Verdict);
      }
      const byTarget = new Map(results.map((r) => [key(r), r]));
      const redact = context.redact ?? ((t: string) => t);
      return targets.map((t: Target): Verdict => {
        const result = byTarget.get(key(t));
        if (result === undefined) return { action: 'retry', reason: `HTTP ${status} but the reply's \`results\` do not list it` };
        if (result.revalidated === true) return { action: 'success' };
        const said = serverMessage(JSON.stringify({ error: result.error ?? null }), 'application/json', redact);
        return {
          action: 'fail',
          reason: `HTTP ${status} but the endpoint says revalidated: ${redact(JSON.stringify(result.revalidated ?? null)).slice(0, 60)}${said ? `: ${said}` : ''}`,
        };
      });
    },
  };
}
