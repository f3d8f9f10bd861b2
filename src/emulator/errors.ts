/**
 * Errors the emulator answers with, in Twilio's classic error JSON
 * `{ code, message, more_info, status }`.
 *
 * Codes: 400 -> 20001 (invalid parameter), 401 -> 20003, 404 -> 20404, 409 -> 20409,
 * 422 -> 20422, 429 -> 20429, 500 -> 20500, 503 -> 20503; a duplicate memory store display
 * name is 409 with Twilio's 520045.
 */
export const TWILIO_ERROR_CODES = {
  badRequest: 20001,
  unauthorized: 20003,
  notFound: 20404,
  conflict: 20409,
  unprocessable: 20422,
  tooManyRequests: 20429,
  internal: 20500,
  unavailable: 20503,
  duplicateStoreDisplayName: 520045,
} as const;

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** Thrown by handlers; the server turns it into the error response. */
export class EmulatorHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'EmulatorHttpError';
  }

  toBody(): TwilioErrorBody {
    return twilioErrorBody(this.status, this.code, this.message);
  }
}

export function twilioErrorBody(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export const badRequest = (message: string): EmulatorHttpError =>
  new EmulatorHttpError(400, TWILIO_ERROR_CODES.badRequest, message);

export const notFound = (message: string): EmulatorHttpError =>
  new EmulatorHttpError(404, TWILIO_ERROR_CODES.notFound, message);

export const conflict = (
  message: string,
  conflictingResourceId: string,
  code: number = TWILIO_ERROR_CODES.conflict,
): EmulatorHttpError =>
  new EmulatorHttpError(409, code, message, { 'X-Conflicting-Resource-Id': conflictingResourceId });

export const unprocessable = (message: string): EmulatorHttpError =>
  new EmulatorHttpError(422, TWILIO_ERROR_CODES.unprocessable, message);
