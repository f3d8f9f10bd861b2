import {
  CALLBACK_METHODS,
  CHANNELS,
  CONFIGURATION_DISPLAY_NAME_MAX_LENGTH,
  CONFIGURATION_DISPLAY_NAME_PATTERN,
  GROUPING_TYPES,
  MAX_INTELLIGENCE_CONFIGURATION_IDS,
  MAX_STATUS_CALLBACKS,
  MEMORY_STORE_ID_PATTERN,
  V1_SERVICE_ID_PATTERN,
  captureAddressProblem,
} from '../../workflows/input-rules';
import type { ConfigurationFields, EmulatorState } from '../state';
import { type JsonObject, Validator, isHttpUrl, requireBodyObject } from '../validation';

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
    maxLength: CONFIGURATION_DISPLAY_NAME_MAX_LENGTH,
    pattern: CONFIGURATION_DISPLAY_NAME_PATTERN,
    visible: true,
  });
  const description = check.string(body.description, 'description', { required: true, visible: true });
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
    { maxItems: MAX_INTELLIGENCE_CONFIGURATION_IDS },
  );
  intelligenceConfigurationIds?.forEach((id, i) =>
    check.string(id, `intelligenceConfigurationIds[${i}]`, { required: true, visible: true }),
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
  const settings = check.record(value, 'channelSettings');
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
      // Addresses of the setting's channel, or `*` for any.
      const problem = (address: string) => captureAddressProblem(channel, address);
      check.string(rule.from, `${path}.captureRules[${i}].from`, { required: true, problem });
      check.string(rule.to, `${path}.captureRules[${i}].to`, { required: true, problem });
      check.stringMap(rule.metadata, `${path}.captureRules[${i}].metadata`);
    });
  }
  return settings;
}

function checkStatusCallbacks(
  check: Validator,
  value: unknown,
): { url: string; method: string }[] | undefined {
  const callbacks = check.array(value, 'statusCallbacks', { maxItems: MAX_STATUS_CALLBACKS });
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
