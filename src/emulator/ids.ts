import { randomBytes } from 'node:crypto';
import { typeid } from 'typeid-js';

/** TypeID prefixes of the resources the emulator creates (prefix + `_` + 26-char base32 ULID). */
export const ID_PREFIXES = {
  store: 'mem_store',
  configuration: 'conv_configuration',
  conversation: 'conv_conversation',
  participant: 'conv_participant',
  action: 'conv_action',
  communication: 'conv_communication',
  operation: 'proc_job',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  return typeid(ID_PREFIXES[kind]).toString();
}

/** A downstream message SID: `SM` + 32 hex digits. */
export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}
