/**
 * A person's decision about a first message whose outcome is unknown. The run does not guess
 * whether the customer got it: it waits, flagged, for `resolveMessageOutcomeUpdate` — from the
 * library (`resolveMessageOutcome`), the CLI (`npm run provision -- resolve ID --resend|--skip`)
 * or any Temporal client.
 */
import { condition, setHandler } from '@temporalio/workflow';
import { resolveMessageOutcomeUpdate, type MessageDecision } from './definitions';

const DECISIONS: readonly MessageDecision[] = ['resend', 'skip'];

export class MessageDecisionGate {
  private waiting = false;
  private decision?: MessageDecision;

  /** Registers the Update handler; construct it when the workflow starts. */
  constructor() {
    setHandler(
      resolveMessageOutcomeUpdate,
      (decision) => {
        this.decision = decision;
        return decision;
      },
      {
        // A refused Update leaves no trace in history: a stray or doubled decision costs nothing.
        validator: (decision: MessageDecision) => {
          if (!this.waiting || this.decision !== undefined) {
            throw new Error('this run is not waiting for a decision about its first message');
          }
          if (!DECISIONS.includes(decision)) {
            throw new Error(
              `the decision must be one of ${DECISIONS.join(', ')}, not ${JSON.stringify(decision)}`,
            );
          }
        },
      },
    );
  }

  /** The decision, waiting at most `withinMs` (undefined: no limit); undefined if none came in time. */
  async decide(withinMs: number | undefined): Promise<MessageDecision | undefined> {
    this.waiting = true;
    this.decision = undefined;
    try {
      const decided = () => this.decision !== undefined;
      if (withinMs === undefined) await condition(decided);
      else if (!(await condition(decided, withinMs))) return undefined;
      return this.decision;
    } finally {
      this.waiting = false;
    }
  }
}
