/** The receivers by name: the settings of one endpoint → the Receiver that speaks its contract. */
import type { EndpointSettings } from '../../endpoints.js';
import { batch } from './batch.js';
import { nextApp } from './next-app.js';
import { nextPages, vercelBypass } from './paths.js';
import { cloudflare, netlify, vercelTags } from './providers.js';
import type { Receiver } from './types.js';

export type ReceiverSettings = Pick<EndpointSettings, 'receiver' | 'url' | 'secret' | 'secretHeader' | 'batchSize'> &
  Partial<EndpointSettings>;

/** The settings check (endpoints.ts) has made sure each receiver has the keys it needs. */
export function buildReceiver(e: ReceiverSettings): Receiver {
  switch (e.receiver) {
    case 'batch':
      return batch(e);
    case 'next-pages':
      return nextPages(e);
    case 'vercel-bypass':
      return vercelBypass({ ...e, method: e.method ?? 'GET' });
    case 'vercel-tags':
      return vercelTags({ ...e, project: e.project ?? '' });
    case 'cloudflare':
      return cloudflare({ ...e, zone: e.zone ?? '', mode: e.mode ?? 'purge', pathsAs: e.pathsAs ?? 'files' });
    case 'netlify':
      return netlify({ ...e, siteId: e.siteId ?? '' });
    default:
      return nextApp(e);
  }
}
