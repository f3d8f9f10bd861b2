/** Input checks inside a workflow: the client validates before starting; this catches any other caller. */
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from './failure-types';
import { InvalidInputError } from './input-schema';

/** Parses the input, or fails the run at once (non-retryable), before any API call, naming every bad field. */
export function validated<T>(rawInput: unknown, parse: (raw: unknown) => T): T {
  try {
    return parse(rawInput);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw ApplicationFailure.create({
      type: FailureType.InvalidInput,
      nonRetryable: true,
      message: error.message,
      details: [error.issues],
    });
  }
}
