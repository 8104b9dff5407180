/**
 * A receiver: how one kind of endpoint takes targets. It says which targets it cannot take, how
 * targets are grouped into requests, what one request looks like, and what a reply means for each
 * target in it. Pure: send.ts does the sending, the retries and the pacing for every receiver alike.
 */
import type { JudgeContext, Outcome, Verdict } from '../policy.js';
import type { Target, TargetRef } from '../../types.js';

export const RECEIVER_NAMES = ['next-app', 'batch', 'next-pages', 'vercel-bypass', 'vercel-tags', 'cloudflare', 'netlify'] as const;
export type ReceiverName = (typeof RECEIVER_NAMES)[number];

export interface ReceiverRequest {
  method: 'POST' | 'GET' | 'HEAD';
  url: string;
  /** The credential's header included. */
  headers: Record<string, string>;
  /** Empty for GET and HEAD. */
  body: string;
}

/** A documented rate limit as a token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  perSecond: number;
  burst: number;
  /** As the user or the provider's documentation says it ("5/min"), for messages. */
  text: string;
}

export interface Receiver {
  readonly name: ReceiverName;
  /** The endpoint as shown to people: its URL without credentials or query. */
  readonly display: string;
  /** The one value sent as a credential (the secret, the token): redacted from every text. */
  readonly credential: string;
  /** Where the credential travels, for the message of a refused one: "the `x-revalidation-secret` header". */
  readonly credentialWhere: string;
  /** Which settings to check when the credential is refused. */
  readonly credentialHint: string;
  /** Why this receiver cannot take a target (a tag for a paths-only route), or undefined when it can. */
  refuses(target: TargetRef): string | undefined;
  /** The target types it can take at all, for the configuration check before anything is sent. */
  readonly takes: ReadonlyArray<TargetRef['type']>;
  /** The targets in groups, one request each, in the order given. */
  chunk(targets: readonly Target[]): Target[][];
  request(targets: readonly Target[]): ReceiverRequest;
  /** One verdict per target of the request, in its order. */
  judge(outcome: Outcome, targets: readonly Target[], context: JudgeContext): Verdict[];
  readonly rate?: RateLimit | undefined;
}

/** Groups of at most `size`, in order. */
export function inGroupsOf<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

/** The endpoint as shown to people: origin and path only (no credentials, no query). */
export function displayUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** Targets per request for `batch` unless `batch-size` says otherwise. */
export const DEFAULT_BATCH_SIZE = 100;
