/**
 * `next-app` (the default): the seed's contract, one POST per target to a Next.js App Router route
 * (examples/next-app-router/app/api/revalidate/route.ts), the secret in a header.
 */
import { judge } from '../policy.js';
import { headerValue } from '../redact.js';
import type { Target } from '../../types.js';
import { displayUrl, inGroupsOf, type Receiver } from './types.js';

export interface SecretEndpoint {
  url: string;
  secret: string;
  secretHeader: string;
}

/** The headers every contract of ours sends: JSON, our name, the secret in its header. */
export function contractHeaders(endpoint: SecretEndpoint): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'isr-revalidate',
    [endpoint.secretHeader]: headerValue(endpoint.secret),
  };
}

/** What our own contracts (`next-app`, `batch`) say of themselves: the secret in its header, paths and tags. */
export function ourContract(
  name: 'next-app' | 'batch',
  endpoint: SecretEndpoint,
): Pick<Receiver, 'name' | 'display' | 'credential' | 'credentialWhere' | 'credentialHint' | 'takes' | 'refuses'> {
  return {
    name,
    display: displayUrl(endpoint.url),
    credential: endpoint.secret,
    credentialWhere: `the \`${endpoint.secretHeader}\` header`,
    credentialHint: 'the `secret` and `secret-header` inputs',
    takes: ['path', 'tag'],
    refuses: () => undefined,
  };
}

export function nextApp(endpoint: SecretEndpoint): Receiver {
  const headers = contractHeaders(endpoint);
  return {
    ...ourContract('next-app', endpoint),
    chunk: (targets) => inGroupsOf(targets, 1),
    request: (targets) => {
      const target = targets[0] as Target;
      return { method: 'POST', url: endpoint.url, headers, body: JSON.stringify({ type: target.type, value: target.value }) };
    },
    judge: (outcome, targets, context) => targets.map(() => judge(outcome, context)),
  };
}
