/**
 * What each receiver needs and allows, as plain data: the settings check (src/endpoints.ts)
 * reads it before anything is sent, the receivers themselves are built from the checked values.
 */
import type { RateLimit, ReceiverName } from './types.js';

export type PresetKey = 'zone' | 'site-id' | 'project' | 'team' | 'site-url';

export interface ReceiverInfo {
  /** The provider's API base, used when no URL is given. */
  defaultUrl?: string;
  /** Keys it cannot do without. */
  needs: PresetKey[];
  /** Keys it reads (the others are refused as a mistake). */
  reads: PresetKey[];
  /** Most targets one request may carry (the provider's documented cap, or ours). */
  maxBatch: number;
  /** Targets per request unless `batch-size` says otherwise. */
  defaultBatch: number;
  /** The provider's documented rate limit, when it has one. */
  rate?: RateLimit;
  /** What the credential is called in its documentation, for messages. */
  credential: string;
}

export const RECEIVERS: Record<ReceiverName, ReceiverInfo> = {
  'next-app': { needs: [], reads: [], maxBatch: 1, defaultBatch: 1, credential: 'secret' },
  batch: { needs: [], reads: [], maxBatch: 1000, defaultBatch: 100, credential: 'secret' },
  'next-pages': { needs: [], reads: [], maxBatch: 1, defaultBatch: 1, credential: 'secret' },
  'vercel-bypass': { needs: [], reads: [], maxBatch: 1, defaultBatch: 1, credential: 'bypass token' },
  // The API takes a tag list; its documentation caps each tag (256 characters) and a tags string
  // (8,196), not the list, so 100 per request is ours.
  'vercel-tags': {
    defaultUrl: 'https://api.vercel.com',
    needs: ['project'],
    reads: ['project', 'team'],
    maxBatch: 100,
    defaultBatch: 100,
    credential: 'Vercel access token',
  },
  // "Max operations per request: 100" on every plan; the Free plan's 5 requests per minute with
  // a bucket of 25 is the default (set `rate-limit` for your plan: Pro 5/s, Business 10/s burst 50).
  cloudflare: {
    defaultUrl: 'https://api.cloudflare.com/client/v4',
    needs: ['zone'],
    reads: ['zone', 'site-url'],
    maxBatch: 100,
    defaultBatch: 100,
    rate: { perSecond: 5 / 60, burst: 25, text: '5/min burst 25' },
    credential: 'Cloudflare API token',
  },
  // Netlify's API allows 500 requests per minute; the purge endpoint takes a list of cache tags.
  netlify: {
    defaultUrl: 'https://api.netlify.com/api/v1',
    needs: ['site-id'],
    reads: ['site-id'],
    maxBatch: 100,
    defaultBatch: 100,
    rate: { perSecond: 500 / 60, burst: 500, text: '500/min' },
    credential: 'Netlify access token',
  },
};

/**
 * "5/min", "10/s", "10/s burst 50", "1200/h": a rate limit as a token bucket (the burst is the
 * count per unit unless given). Undefined when the text is not one.
 */
export function parseRateLimit(text: string): RateLimit | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute|h|hour)(?:\s+burst\s+(\d+))?$/i.exec(text.trim());
  if (!m) return undefined;
  const count = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const seconds = unit.startsWith('h') ? 3600 : unit.startsWith('m') ? 60 : 1;
  const burst = m[3] !== undefined ? Number(m[3]) : Math.max(1, Math.floor(count));
  if (count <= 0 || burst < 1) return undefined;
  return { perSecond: count / seconds, burst, text: text.trim() };
}
