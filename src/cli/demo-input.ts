/**
 * The provisioning `npm start` runs: a memory store, an SMS configuration, a conversation with
 * one customer, and a welcome message to that customer.
 *
 * Names carry a timestamp and a random tag: the dev server keeps its history across runs (and
 * Twilio keeps its stores), so every run is a new provisioning with its own workflow ID rather
 * than the completed one of an earlier run.
 */
import { randomBytes } from 'node:crypto';
import type { ProvisionInput } from '../workflows/provision-input';

/** Twilio's magic test numbers; pass real ones (`--from`, `--to`) when talking to Twilio. */
export const DEMO_FROM = '+15005550001';
export const DEMO_TO = '+15005550006';

/** e.g. `20250102-153045-k3f9`: sortable, unique enough for a person running a demo. */
export function demoTag(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function demoInput(tag: string, from = DEMO_FROM, to = DEMO_TO): ProvisionInput {
  return {
    provisioningId: `demo-${tag}`,
    memoryStore: {
      displayName: `demo-store-${tag}`,
      description: 'Customer memory for the demo provisioning',
    },
    configuration: {
      displayName: `demo-${tag}`,
      description: 'Demo: SMS conversations grouped by participant addresses',
      conversationGroupingType: 'GROUP_BY_PARTICIPANT_ADDRESSES',
    },
    conversation: {
      name: `demo-conversation-${tag}`,
      participants: [
        { name: 'Demo customer', type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: to }] },
      ],
    },
    message: {
      from: { address: from, channel: 'SMS' },
      to: [{ address: to, channel: 'SMS' }],
      text: 'Welcome! This conversation was provisioned by a durable Temporal workflow.',
    },
  };
}
