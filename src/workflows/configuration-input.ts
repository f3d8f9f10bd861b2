/**
 * The fields of a configuration as the API documents them, as a provisioning creates it and as
 * a patch changes it. The rules are the API's documented field rules, so bad input is refused
 * with a message naming the field and the rule instead of surfacing as a 400 halfway through a
 * run.
 */
import { z } from 'zod';
import {
  CHANNELS,
  CONFIGURATION_DISPLAY_NAME_MAX_LENGTH,
  CONFIGURATION_DISPLAY_NAME_PATTERN,
  GROUPING_TYPES,
  MAX_INTELLIGENCE_CONFIGURATION_IDS,
  MAX_STATUS_CALLBACKS,
  READABLE_CALLBACK_METHODS,
  V1_SERVICE_ID_PATTERN,
  captureAddressProblem,
} from '../api/field-rules';
import { anyText, exactly, matching, safeRecord, visibleText } from './input-schema';

/** Capture rules are checked per channel: their addresses are the channel's, or `*`. */
function channelSetting(channelName: string) {
  const captureAddress = z.string().check((payload) => {
    const problem = captureAddressProblem(channelName, payload.value);
    if (problem) payload.issues.push({ code: 'custom', input: payload.value, message: problem });
  });
  return z.strictObject({
    statusTimeouts: z
      .strictObject({
        inactive: z.number().int('must be whole minutes').positive('must be at least 1').optional(),
        closed: z.number().int('must be whole minutes').positive('must be at least 1').optional(),
      })
      .optional(),
    captureRules: z
      .array(
        z.strictObject({
          from: captureAddress,
          to: captureAddress,
          metadata: safeRecord(z.record(anyText(), anyText())).optional(),
        }),
      )
      .optional(),
  });
}

function channelSettings() {
  return safeRecord(
    z.strictObject(
      Object.fromEntries(CHANNELS.map((name) => [name, channelSetting(name).optional()])) as {
        [K in (typeof CHANNELS)[number]]: z.ZodOptional<ReturnType<typeof channelSetting>>;
      },
      {
        error: (issue) =>
          issue.code === 'unrecognized_keys' ? `keys must be channels: ${CHANNELS.join(', ')}` : undefined,
      },
    ),
  );
}

/** The fields of a configuration (create and full replace). */
export function configurationFieldsSchema() {
  return z.strictObject({
    displayName: z
      .string()
      .min(1, 'must not be empty')
      .max(
        CONFIGURATION_DISPLAY_NAME_MAX_LENGTH,
        `must be at most ${CONFIGURATION_DISPLAY_NAME_MAX_LENGTH} characters`,
      )
      .check(
        matching(
          CONFIGURATION_DISPLAY_NAME_PATTERN,
          'must match ^[a-zA-Z0-9-_ ]+$ (letters, digits, dash, underscore, space)',
        ),
      )
      .refine((name) => name.trim() !== '', 'must not be only spaces'),
    description: visibleText(),
    conversationGroupingType: exactly(GROUPING_TYPES).optional(),
    channelSettings: channelSettings().optional(),
    statusCallbacks: z
      .array(
        z.strictObject({ url: z.url({ protocol: /^https?$/ }), method: exactly(READABLE_CALLBACK_METHODS) }),
      )
      .max(MAX_STATUS_CALLBACKS, `at most ${MAX_STATUS_CALLBACKS} status callbacks on create`)
      .optional(),
    intelligenceConfigurationIds: z
      .array(visibleText())
      .max(
        MAX_INTELLIGENCE_CONFIGURATION_IDS,
        `at most ${MAX_INTELLIGENCE_CONFIGURATION_IDS} intelligence configurations`,
      )
      .optional(),
    memoryExtractionEnabled: z.boolean().optional(),
    conversationsV1Bridge: z
      .strictObject({
        serviceId: z.string().check(matching(V1_SERVICE_ID_PATTERN, 'must match ^IS[0-9a-f]{32}$')),
      })
      .optional(),
  });
}

/** The same fields, each optional: what a change to an existing configuration may hold. */
export function configurationPatchSchema() {
  return configurationFieldsSchema().partial();
}

/** The fields a patch may set, each with its documented rules. */
export type ConfigurationPatch = z.output<ReturnType<typeof configurationPatchSchema>>;
