/** The contract-speaking receiver from examples/, typed for tests. */
import type { IncomingHttpHeaders } from 'node:http';
// @ts-expect-error -- plain JavaScript module shared with the demo; its shape is declared below.
import { startReceiver as start } from '../../examples/receiver.mjs';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export const startReceiver = start as (options: { secret: string; header?: string; port?: number }) => Promise<Receiver>;

/** The bodies the receiver got, parsed, in a stable order. */
export function receivedTargets(receiver: Receiver): Array<{ type: string; value: string }> {
  return receiver.requests
    .map((r) => JSON.parse(r.body) as { type: string; value: string })
    .sort((a, b) => (a.type + a.value < b.type + b.value ? -1 : a.type + a.value > b.type + b.value ? 1 : 0));
}
