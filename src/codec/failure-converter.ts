/**
 * The failure converter of encrypted deployments: failure messages and stack traces move into an
 * encoded attributes payload, which the payload codec then encrypts (an error may quote a phone
 * number). The history keeps "Encoded failure" as the message.
 *
 * Loaded by path (`failureConverterPath`) into the workflow sandbox too: no Node built-ins here.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
