import {
  configurationCreateSchema,
  configurationReplaceSchema,
  memoryStoreIdSchema,
} from '../../api/request-schemas';
import { PAGE_SIZES } from '../../api/field-rules';
import type { EmulatorCore } from '../core';
import { conflict, notFound } from '../errors';
import { newId } from '../ids';
import type { OperationRecord } from '../operations';
import { paginate, queryParam } from '../pagination';
import type { ApiReply, ApiRequest, Route } from '../router';
import type { ConfigurationRecord } from '../state';
import { check, invalidRequest, parseRequestBody } from '../validation';

const memoryStoreId = memoryStoreIdSchema();

/**
 * Configurations (`/v2/ControlPlane/Configurations`). POST, PUT and DELETE are async and accept
 * `Idempotency-Key`. A new configuration becomes visible (GET, lists) when its create operation
 * completes; its ID is chosen at acceptance and reported as `related.configurationId`. A PUT is
 * applied, and a DELETE takes effect, when its operation completes; a configuration that still
 * has conversations is not deleted (409 naming them).
 */
export function configurationRoutes(core: EmulatorCore): Route[] {
  const base = '/v2/ControlPlane/Configurations';
  const idempotent = core.idempotency.wrap.bind(core.idempotency);
  const bodies = configurationBodies(core);
  return [
    {
      method: 'POST',
      template: base,
      createsWork: true,
      handler: idempotent((request) => createConfiguration(core, bodies.create, request)),
    },
    { method: 'GET', template: base, handler: (request) => listConfigurations(core, request) },
    {
      method: 'GET',
      template: `${base}/{configurationId}`,
      handler: (request) => getConfiguration(core, request),
    },
    {
      method: 'PUT',
      template: `${base}/{configurationId}`,
      createsWork: true,
      handler: idempotent((request) => replaceConfiguration(core, bodies.replace, request)),
    },
    {
      method: 'DELETE',
      template: `${base}/{configurationId}`,
      createsWork: true,
      handler: idempotent((request) => deleteConfiguration(core, request)),
    },
  ];
}

/**
 * The create and replace bodies as the API checks them, the memory store named among their field
 * rules: one that does not exist (or FAILED) is refused with the body's other problems.
 */
function configurationBodies(core: EmulatorCore) {
  const existingStore = {
    memoryStoreId: memoryStoreIdSchema().refine(
      (id) => {
        const store = core.state.stores.get(id);
        return store !== undefined && store.status !== 'FAILED';
      },
      { error: (issue) => `no memory store with ID ${String(issue.input)}` },
    ),
  };
  return {
    create: configurationCreateSchema({ checkedBy: 'api' }).extend(existingStore),
    replace: configurationReplaceSchema({ checkedBy: 'api' }).extend(existingStore),
  };
}
type ConfigurationBodies = ReturnType<typeof configurationBodies>;

/** The fields of a valid body. Optional fields left out are unset: a PUT is a full replace. */
function fieldsOf<T extends { memoryExtractionEnabled?: boolean }>(
  body: T,
): T & { memoryExtractionEnabled: boolean } {
  return { ...body, memoryExtractionEnabled: body.memoryExtractionEnabled ?? false };
}

function createConfiguration(
  core: EmulatorCore,
  schema: ConfigurationBodies['create'],
  request: ApiRequest,
): ApiReply {
  const fields = fieldsOf(parseRequestBody(schema, request.body));
  const id = newId('configuration');
  const operation = startConfigurationOperation(core, request, id, () => {
    const now = core.clock.iso();
    core.state.configurations.set(id, {
      id,
      fields,
      createdAt: now,
      updatedAt: now,
      version: 1,
      acceptedVersion: 1,
      hiddenFromLists: core.options.listingDelayReads,
    });
  });
  return acceptedConfiguration(core, operation, id);
}

function listConfigurations(core: EmulatorCore, request: ApiRequest): ApiReply {
  const storeFilter = queryParam(request.query, 'memoryStoreId');
  if (storeFilter !== null) {
    const checked = check(memoryStoreId, storeFilter, 'memoryStoreId');
    if ('problems' in checked) throw invalidRequest(checked.problems);
  }
  const visible: ConfigurationRecord[] = [];
  for (const configuration of core.state.configurations.values()) {
    // Eventual consistency: a new configuration sits out its first `listingDelayReads` lists.
    if (configuration.hiddenFromLists > 0) {
      configuration.hiddenFromLists--;
      continue;
    }
    if (storeFilter === null || configuration.fields.memoryStoreId === storeFilter)
      visible.push(configuration);
  }
  const { page, meta } = paginate(visible, request.query, core.pageTokens, {
    list: `configurations:${storeFilter ?? '*'}`,
    key: 'configurations',
    bounds: PAGE_SIZES.configurations,
  });
  return { status: 200, body: { configurations: page.map(renderConfiguration), meta } };
}

function getConfiguration(core: EmulatorCore, request: ApiRequest): ApiReply {
  return { status: 200, body: renderConfiguration(findConfiguration(core, request.params.configurationId!)) };
}

function replaceConfiguration(
  core: EmulatorCore,
  schema: ConfigurationBodies['replace'],
  request: ApiRequest,
): ApiReply {
  const configuration = findConfiguration(core, request.params.configurationId!);
  // PUT keeps the current displayName when the body leaves it out.
  const { version, ...body } = parseRequestBody(schema, request.body);
  const fields = fieldsOf(body);
  if (version !== undefined && version !== configuration.acceptedVersion) {
    throw conflict(
      `version: configuration ${configuration.id} is at version ${configuration.acceptedVersion}, ` +
        `not ${version}; fetch it again and retry with the current version`,
      configuration.id,
    );
  }
  const targetVersion = ++configuration.acceptedVersion;
  const operation = startConfigurationOperation(
    core,
    request,
    configuration.id,
    () => {
      configuration.fields = {
        ...fields,
        displayName: fields.displayName ?? configuration.fields.displayName,
      };
      configuration.version = targetVersion;
      configuration.updatedAt = core.clock.iso();
    },
    () => {
      // A failed update leaves the configuration as it was; unless a later update was accepted
      // meanwhile, the version callers must send goes back to the current one.
      if (configuration.acceptedVersion === targetVersion)
        configuration.acceptedVersion = configuration.version;
    },
  );
  return acceptedConfiguration(core, operation, configuration.id);
}

function deleteConfiguration(core: EmulatorCore, request: ApiRequest): ApiReply {
  const configuration = findConfiguration(core, request.params.configurationId!);
  // The conservative answer to a configuration that still has conversations: refused, naming them.
  const dependents = [...core.state.conversations.values()]
    .filter((conversation) => conversation.configurationId === configuration.id)
    .map((conversation) => conversation.id);
  if (dependents.length > 0) {
    throw conflict(
      `configuration ${configuration.id} still has conversation(s) ${dependents.join(', ')}; delete them first`,
      dependents[0]!,
    );
  }
  const operation = startConfigurationOperation(core, request, configuration.id, () => {
    core.state.configurations.delete(configuration.id);
  });
  return acceptedConfiguration(core, operation, configuration.id);
}

/**
 * `related.configurationId` unless `configurationRelatedId` is off; `result.id` only when
 * `configurationResultId` is on (the real API leaves it out: the documented limitation).
 */
function startConfigurationOperation(
  core: EmulatorCore,
  request: ApiRequest,
  configurationId: string,
  complete: () => void,
  fail?: () => void,
): OperationRecord {
  return core.startOperation(request, {
    host: 'conversations',
    related: core.options.configurationRelatedId ? { configurationId } : undefined,
    resultId: core.options.configurationResultId ? configurationId : undefined,
    complete,
    fail,
  });
}

function acceptedConfiguration(
  core: EmulatorCore,
  operation: OperationRecord,
  configurationId: string,
): ApiReply {
  return core.accepted(operation, {
    statusUrl: operation.statusUrl,
    ...(core.options.configurationRelatedId ? { related: { configurationId } } : {}),
  });
}

function findConfiguration(core: EmulatorCore, configurationId: string): ConfigurationRecord {
  const configuration = core.state.configurations.get(configurationId);
  if (!configuration) throw notFound(`No configuration with ID ${configurationId}`);
  return configuration;
}

function renderConfiguration(configuration: ConfigurationRecord): Record<string, unknown> {
  return {
    id: configuration.id,
    ...configuration.fields,
    createdAt: configuration.createdAt,
    updatedAt: configuration.updatedAt,
    version: configuration.version,
  };
}
