import { MEMORY_STORE_ID_PATTERN } from '../ids';
import type { ConfigurationFields, EmulatorState } from '../state';
import { type JsonObject, Validator, isHttpUrl, requireBodyObject } from '../validation';

export const CONFIGURATION_DISPLAY_NAME_PATTERN = /^[a-zA-Z0-9-_ ]+$/;
export const GROUPING_TYPES = [
  'GROUP_BY_PROFILE',
  'GROUP_BY_PARTICIPANT_ADDRESSES',
  'GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE',
] as const;
export const CHANNELS = ['VOICE', 'SMS', 'RCS', 'WHATSAPP', 'CHAT'] as const;
/** The request schema's webhook methods (the response schema names only GET and POST). */
const CALLBACK_METHODS = ['POST', 'GET', 'PUT', 'DELETE', 'PATCH'] as const;
const V1_SERVICE_ID_PATTERN = /^IS[0-9a-f]{32}$/;

export interface ParsedConfiguration {
  fields: Omit<ConfigurationFields, 'displayName'> & { displayName?: string };
  /** PUT only: the version the caller last read (optimistic locking). */
  version?: number;
}

/**
 * Validates a configuration POST (`create`) or PUT (`replace`) body. Both require description,
 * conversationGroupingType and memoryStoreId; POST also requires displayName, while PUT keeps
 * the current name when it is omitted (the PUT schema does not require it). PUT is a full
 * replace otherwise: optional fields left out are cleared.
 */
export function parseConfigurationBody(
  raw: unknown,
  mode: 'create' | 'replace',
  state: EmulatorState,
): ParsedConfiguration {
  const body = requireBodyObject(raw);
  const check = new Validator();
  const displayName = check.string(body.displayName, 'displayName', {
    required: mode === 'create',
    minLength: 1,
    maxLength: 32,
    pattern: CONFIGURATION_DISPLAY_NAME_PATTERN,
  });
  const description = check.string(body.description, 'description', { required: true, minLength: 1 });
  const conversationGroupingType = check.string(body.conversationGroupingType, 'conversationGroupingType', {
    required: true,
    oneOf: GROUPING_TYPES,
  });
  const memoryStoreId = check.string(body.memoryStoreId, 'memoryStoreId', {
    required: true,
    pattern: MEMORY_STORE_ID_PATTERN,
  });
  if (memoryStoreId !== undefined) {
    const store = state.stores.get(memoryStoreId);
    if (!store || store.status === 'FAILED')
      check.fail('memoryStoreId', `no memory store with ID ${memoryStoreId}`);
  }
  const channelSettings = checkChannelSettings(check, body.channelSettings);
  const statusCallbacks = checkStatusCallbacks(check, body.statusCallbacks);
  const intelligenceConfigurationIds = check.array(
    body.intelligenceConfigurationIds,
    'intelligenceConfigurationIds',
    {
      maxItems: 5,
    },
  );
  intelligenceConfigurationIds?.forEach((id, i) =>
    check.string(id, `intelligenceConfigurationIds[${i}]`, { required: true, minLength: 1 }),
  );
  const memoryExtractionEnabled = check.boolean(body.memoryExtractionEnabled, 'memoryExtractionEnabled');
  const bridge = check.object(body.conversationsV1Bridge, 'conversationsV1Bridge');
  if (bridge) {
    check.string(bridge.serviceId, 'conversationsV1Bridge.serviceId', {
      required: true,
      pattern: V1_SERVICE_ID_PATTERN,
    });
  }
  const version = mode === 'replace' ? check.integer(body.version, 'version', 1) : undefined;
  check.done();

  return {
    fields: {
      displayName,
      description: description!,
      conversationGroupingType: conversationGroupingType!,
      memoryStoreId: memoryStoreId!,
      ...(channelSettings ? { channelSettings } : {}),
      ...(statusCallbacks ? { statusCallbacks } : {}),
      ...(intelligenceConfigurationIds
        ? { intelligenceConfigurationIds: intelligenceConfigurationIds as string[] }
        : {}),
      memoryExtractionEnabled: memoryExtractionEnabled ?? false,
      ...(bridge ? { conversationsV1Bridge: { serviceId: bridge.serviceId as string } } : {}),
    },
    ...(version === undefined ? {} : { version }),
  };
}

function checkChannelSettings(check: Validator, value: unknown): JsonObject | undefined {
  const settings = check.object(value, 'channelSettings');
  if (!settings) return undefined;
  for (const [channel, setting] of Object.entries(settings)) {
    const path = `channelSettings.${channel}`;
    if (!(CHANNELS as readonly string[]).includes(channel)) {
      check.fail(path, `is not a channel (allowed: ${CHANNELS.join(', ')})`);
      continue;
    }
    const entry = check.object(setting, path);
    if (!entry) continue;
    const timeouts = check.object(entry.statusTimeouts, `${path}.statusTimeouts`);
    if (timeouts) {
      check.integer(timeouts.inactive, `${path}.statusTimeouts.inactive`, 1);
      check.integer(timeouts.closed, `${path}.statusTimeouts.closed`, 1);
    }
    check.array(entry.captureRules, `${path}.captureRules`)?.forEach((item, i) => {
      const rule = check.object(item, `${path}.captureRules[${i}]`, true);
      if (!rule) return;
      check.string(rule.from, `${path}.captureRules[${i}].from`, { required: true, minLength: 1 });
      check.string(rule.to, `${path}.captureRules[${i}].to`, { required: true, minLength: 1 });
      check.stringMap(rule.metadata, `${path}.captureRules[${i}].metadata`);
    });
  }
  return settings;
}

function checkStatusCallbacks(
  check: Validator,
  value: unknown,
): { url: string; method: string }[] | undefined {
  const callbacks = check.array(value, 'statusCallbacks', { maxItems: 2 });
  if (!callbacks) return undefined;
  return callbacks.map((item, i) => {
    const path = `statusCallbacks[${i}]`;
    const callback = check.object(item, path, true);
    if (!callback) return { url: '', method: 'POST' };
    const url = check.string(callback.url, `${path}.url`, { required: true });
    if (url !== undefined && !isHttpUrl(url)) check.fail(`${path}.url`, 'must be an absolute http(s) URL');
    const method = check.string(callback.method, `${path}.method`, { oneOf: CALLBACK_METHODS }) ?? 'POST';
    return { url: url ?? '', method };
  });
}
