import type { EmulatorClock } from './clock';
import { newId, newMessageSid } from './ids';
import { type PendingWork, type SettleRule, SettleScheduler, settleRuleFor } from './settlement';
import type { CommunicationRecord, ConversationRecord, Endpoint } from './state';
import type { Latency } from './types';
import type { WorkFault } from './work-fault';

export type ActionStatus = 'PENDING' | 'COMPLETED' | 'FAILED';

/**
 * A recipient the emulator cannot deliver to: an address containing `undeliverable` (any case)
 * or ending in `0000`, e.g. `+15555550000`. Its SEND_MESSAGE action ends FAILED.
 */
export function isUndeliverable(address: string): boolean {
  return /undeliverable/i.test(address) || address.endsWith('0000');
}

export interface SendMessage {
  conversation: ConversationRecord;
  author: Endpoint;
  recipients: Endpoint[];
  text: string;
  latency: Latency;
  fault?: WorkFault;
}

/**
 * A SEND_MESSAGE action. The message gets its `messageSid` on acceptance; the Communication is
 * recorded in the conversation when the action COMPLETES (a failed send records none).
 */
export class ActionRecord implements PendingWork {
  readonly id = newId('action');
  readonly type = 'SEND_MESSAGE';
  readonly conversationId: string;
  readonly messageSid = newMessageSid();
  readonly rule: SettleRule;
  status: ActionStatus = 'PENDING';
  updatedAt: number;
  completedAt?: number;
  communicationId?: string;
  failureReason?: string;
  reads = 0;

  constructor(
    private readonly message: SendMessage,
    readonly createdAt: number,
    private readonly clock: EmulatorClock,
  ) {
    this.conversationId = message.conversation.id;
    this.updatedAt = createdAt;
    this.rule =
      message.fault?.outcome === 'stuck' ? { kind: 'never' } : settleRuleFor(message.latency, createdAt);
  }

  isPending(): boolean {
    return this.status === 'PENDING';
  }

  settle(now: number): void {
    this.updatedAt = now;
    this.completedAt = now;
    const undeliverable = this.message.recipients.find((to) => isUndeliverable(to.address));
    if (this.message.fault?.outcome === 'fail') {
      this.fail(this.message.fault.error.detail);
    } else if (undeliverable) {
      this.fail(`Recipient ${undeliverable.address} is unreachable: the message could not be delivered`);
    } else {
      this.status = 'COMPLETED';
      this.communicationId = this.recordCommunication(now).id;
    }
  }

  private fail(reason: string): void {
    this.status = 'FAILED';
    this.failureReason = reason;
  }

  private recordCommunication(now: number): CommunicationRecord {
    const { conversation, author, recipients, text } = this.message;
    const at = this.clock.iso(now);
    const communication: CommunicationRecord = {
      id: newId('communication'),
      conversationId: conversation.id,
      accountId: conversation.accountId,
      author,
      content: { type: 'TEXT', text },
      recipients: recipients.map((to) => ({ ...to, deliveryStatus: 'DELIVERED' as const })),
      channelId: this.messageSid,
      createdAt: at,
      updatedAt: at,
    };
    conversation.communications.push(communication);
    return communication;
  }
}

export class ActionRegistry {
  private readonly actions = new Map<string, ActionRecord>();

  constructor(
    private readonly clock: EmulatorClock,
    private readonly scheduler: SettleScheduler,
  ) {}

  start(message: SendMessage): ActionRecord {
    message.fault?.claim();
    const action = new ActionRecord(message, this.clock.now(), this.clock);
    this.actions.set(action.id, action);
    this.scheduler.track(action);
    this.scheduler.runDue(this.clock.now());
    return action;
  }

  /** A status read of an action of `conversationId` (settling it on its Nth read). */
  read(conversationId: string, actionId: string): ActionRecord | undefined {
    const action = this.actions.get(actionId);
    if (action === undefined || action.conversationId !== conversationId) return undefined;
    this.scheduler.recordRead(action, this.clock.now());
    return action;
  }

  clear(): void {
    this.actions.clear();
  }
}
