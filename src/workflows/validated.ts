/** Input checks inside a workflow: the client validates before starting; this catches any other caller. */
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from './failure-types';

/** An error that lists every bad field of an input (e.g. `InvalidProvisionInputError`). */
interface InvalidInputError extends Error {
  issues: readonly { path: string; message: string }[];
}

function isInvalidInput(error: unknown): error is InvalidInputError {
  return error instanceof Error && Array.isArray((error as Partial<InvalidInputError>).issues);
}

/** Parses the input, or fails the run at once (non-retryable), before any API call, naming every bad field. */
export function validated<T>(rawInput: unknown, parse: (raw: unknown) => T): T {
  try {
    return parse(rawInput);
  } catch (error) {
    if (!isInvalidInput(error)) throw error;
    throw ApplicationFailure.create({
      type: FailureType.InvalidInput,
      nonRetryable: true,
      message: error.message,
      details: [error.issues],
    });
  }
}
