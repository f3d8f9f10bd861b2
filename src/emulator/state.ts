/**
 * The emulator's resources, in insertion-ordered Maps (lists page through them in creation order).
 * Shapes follow the API's JSON; `render*` functions in the route files turn them into bodies.
 */
import type { z } from 'zod';
import type { configurationCreateSchema } from '../api/request-schemas';

export type StoreStatus = 'QUEUED' | 'PROVISIONING' | 'ACTIVE' | 'FAILED';

export interface StoreRecord {
  id: string;
  displayName: string;
  description?: string;
  /** PROVISIONING from acceptance, ACTIVE when the create operation completes, FAILED if it fails. */
  status: StoreStatus;
  version: number;
}

/** The writable fields of a configuration, as validated; `memoryExtractionEnabled` is false unless set. */
export type ConfigurationFields = z.output<ReturnType<typeof configurationCreateSchema>> & {
  memoryExtractionEnabled: boolean;
};

export interface ConfigurationRecord {
  id: string;
  fields: ConfigurationFields;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** The version once every accepted update has completed; PUT's `version` is checked against it. */
  acceptedVersion: number;
  /** List calls that will still leave this configuration out (eventual consistency). */
  hiddenFromLists: number;
}

export interface ParticipantAddress {
  channel: string;
  address: string;
  channelId?: string;
}

export interface ParticipantRecord {
  id: string;
  conversationId: string;
  accountId: string;
  name: string;
  type?: string;
  profileId?: string;
  addresses: ParticipantAddress[];
  createdAt: string;
  updatedAt: string;
}

export interface Endpoint {
  address: string;
  channel: string;
  participantId?: string;
}

export interface CommunicationRecord {
  id: string;
  conversationId: string;
  accountId: string;
  author: Endpoint;
  content: { type: 'TEXT'; text: string };
  recipients: (Endpoint & { deliveryStatus: 'DELIVERED' })[];
  channelId: string;
  createdAt: string;
  updatedAt: string;
}

export interface ConversationRecord {
  id: string;
  accountId: string;
  configurationId: string;
  status: 'ACTIVE' | 'INACTIVE' | 'CLOSED';
  name: string | null;
  createdAt: string;
  updatedAt: string;
  participants: ParticipantRecord[];
  communications: CommunicationRecord[];
}

export class EmulatorState {
  readonly stores = new Map<string, StoreRecord>();
  readonly configurations = new Map<string, ConfigurationRecord>();
  readonly conversations = new Map<string, ConversationRecord>();
  /** SEND_MESSAGE actions accepted: each one a message sent to a customer. */
  messagesSent = 0;

  clear(): void {
    this.stores.clear();
    this.configurations.clear();
    this.conversations.clear();
    this.messagesSent = 0;
  }
}
