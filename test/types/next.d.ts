/**
 * The few Next.js 16 declarations the examples in examples/next-app-router use, so that
 * `npm run typecheck` checks them without installing Next.js. Signatures as in next@16:
 * revalidateTag takes a second argument (the one-argument form is a type error there too).
 */
declare module 'next/cache' {
  export function revalidatePath(originalPath: string, type?: 'layout' | 'page'): void;
  export function revalidateTag(tag: string, profile: string | { expire?: number }): void;
}

declare module 'next' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  export interface NextApiRequest extends IncomingMessage {
    body: unknown;
    query: Partial<Record<string, string | string[]>>;
  }
  export interface NextApiResponse<T = unknown> extends ServerResponse {
    status(code: number): NextApiResponse<T>;
    json(body: T): void;
    revalidate(urlPath: string, opts?: { unstable_onlyGenerated?: boolean }): Promise<void>;
  }
}
