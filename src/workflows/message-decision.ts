/**
 * A person's decision about a first message whose outcome is unknown. The run does not guess
 * whether the customer got it: it waits, flagged, for `resolveMessageOutcomeUpdate` — from the
 * library (`resolveMessageOutcome`), the CLI (`npm run provision -- resolve ID --resend|--skip`)
 * or any Temporal client.
 */
import { condition, log, setHandler } from '@temporalio/workflow';
import { resolveMessageOutcomeUpdate, type MessageDecision } from './definitions';
import { formatDuration } from './format';
import type { StepRunner } from './step-runner';

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

  /**
   * Parks the run, flagged (`AwaitingDecision = message-outcome`, current details saying what is
   * unknown and what each choice means), until a person decides or `withinMs` passes (undefined:
   * no limit; 0: fails at once). Undefined if no decision came.
   */
  async ask(
    unknown: string,
    conversationId: string,
    run: StepRunner<string>,
    withinMs: number | undefined,
  ): Promise<MessageDecision | undefined> {
    if (withinMs === 0) return undefined;
    run.awaitingDecision({
      kind: 'message-outcome',
      explanation:
        `${unknown}. Check conversation \`${conversationId}\`, then decide: **resend** sends it again ` +
        '(the customer may receive it twice) or **skip** completes the provisioning without it (the ' +
        'customer may have received nothing): `npm run provision -- resolve <workflow ID> --resend|--skip`' +
        (withinMs === undefined ? '.' : `, within ${formatDuration(withinMs)}; then the run fails.`),
    });
    log.warn(
      `Waiting for a decision about the first message in conversation ${conversationId}: resend or skip`,
    );
    try {
      return await this.decide(withinMs);
    } finally {
      run.awaitingDecision(undefined);
    }
  }

  private async decide(withinMs: number | undefined): Promise<MessageDecision | undefined> {
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
