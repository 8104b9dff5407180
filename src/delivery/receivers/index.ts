/** The receivers by name: the settings of one endpoint → the Receiver that speaks its contract. */
import { batch } from './batch.js';
import { nextApp } from './next-app.js';
import type { Receiver, ReceiverName } from './types.js';

export interface ReceiverSettings {
  receiver: ReceiverName;
  url: string;
  secret: string;
  secretHeader: string;
  batchSize: number;
}

export function buildReceiver(endpoint: ReceiverSettings): Receiver {
  switch (endpoint.receiver) {
    case 'batch':
      return batch(endpoint);
    default:
      return nextApp(endpoint);
  }
}
