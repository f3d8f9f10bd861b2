import type { EmulatorCore } from '../core';
import { TWILIO_ERROR_CODES, badRequest, conflict, notFound } from '../errors';
import { newId } from '../ids';
import { paginate, queryParam } from '../pagination';
import type { ApiReply, ApiRequest, Route } from '../router';
import type { StoreRecord } from '../state';
import { MAX_STORES_PER_ACCOUNT, PAGE_SIZES } from '../../api/field-rules';
import { storeCreateSchema } from '../../api/request-schemas';
import { parseRequestBody } from '../validation';

const storeCreate = storeCreateSchema({ checkedBy: 'api' });

/**
 * Memory stores (`/v1/ControlPlane/Stores`). A store exists from acceptance as PROVISIONING (its
 * display name is taken from then on) and turns ACTIVE when its create operation completes, or
 * FAILED (freeing the name) when it fails. DELETE removes the store when its operation completes;
 * a store that still holds configurations is not deleted (409 naming them).
 */
export function memoryStoreRoutes(core: EmulatorCore): Route[] {
  const base = '/v1/ControlPlane/Stores';
  return [
    { method: 'POST', template: base, createsWork: true, handler: (request) => createStore(core, request) },
    { method: 'GET', template: base, handler: (request) => listStores(core, request) },
    { method: 'GET', template: `${base}/{storeId}`, handler: (request) => getStore(core, request) },
    {
      method: 'DELETE',
      template: `${base}/{storeId}`,
      createsWork: true,
      handler: (request) => deleteStore(core, request),
    },
  ];
}

function createStore(core: EmulatorCore, request: ApiRequest): ApiReply {
  const { displayName, description } = parseRequestBody(storeCreate, request.body);

  const live = [...core.state.stores.values()].filter((store) => store.status !== 'FAILED');
  const sameName = live.find((store) => store.displayName === displayName);
  if (sameName) {
    throw conflict(
      `displayName: a memory store named '${displayName}' already exists (${sameName.id}); display names are unique per account`,
      sameName.id,
      TWILIO_ERROR_CODES.duplicateStoreDisplayName,
    );
  }
  if (live.length >= MAX_STORES_PER_ACCOUNT) {
    // A limit of the account, not a bad field: the advice says what to free, not what to fix.
    throw badRequest(
      `Limit reached: an account has at most ${MAX_STORES_PER_ACCOUNT} memory stores and this one has ${live.length}; ` +
        'the request itself is valid. Delete a store no longer in use ' +
        '(DELETE /v1/ControlPlane/Stores/{storeId}) or reuse an existing one, then try again',
    );
  }

  const store: StoreRecord = {
    id: newId('store'),
    displayName,
    status: 'PROVISIONING',
    version: 1,
  };
  if (description !== undefined) store.description = description;
  core.state.stores.set(store.id, store);
  const operation = core.startOperation(request, {
    host: 'memory',
    resultId: store.id,
    complete: () => {
      store.status = 'ACTIVE';
    },
    fail: () => {
      store.status = 'FAILED';
    },
  });
  return core.accepted(operation, {
    message: 'Store creation request accepted.',
    statusUrl: operation.statusUrl,
  });
}

function listStores(core: EmulatorCore, request: ApiRequest): ApiReply {
  const order = queryParam(request.query, 'orderBy') ?? 'DESC';
  if (order !== 'ASC' && order !== 'DESC')
    throw badRequest(`orderBy: must be one of ASC, DESC (got '${order}')`);
  const ids = [...core.state.stores.keys()];
  if (order === 'DESC') ids.reverse();
  const { page, meta } = paginate(ids, request.query, core.pageTokens, {
    list: `stores:${order}`,
    key: 'stores',
    bounds: PAGE_SIZES.memoryStores,
  });
  return { status: 200, body: { stores: page, meta } };
}

function getStore(core: EmulatorCore, request: ApiRequest): ApiReply {
  const store = findStore(core, request.params.storeId!);
  return {
    status: 200,
    body: {
      id: store.id,
      displayName: store.displayName,
      ...(store.description === undefined ? {} : { description: store.description }),
      status: store.status,
      intelligenceServiceId: null,
      version: store.version,
    },
    headers: { ETag: `"${store.version}"` },
  };
}

function deleteStore(core: EmulatorCore, request: ApiRequest): ApiReply {
  const store = findStore(core, request.params.storeId!);
  // The conservative answer to a store that still has configurations: refused, naming them.
  const dependents = [...core.state.configurations.values()]
    .filter((configuration) => configuration.fields.memoryStoreId === store.id)
    .map((configuration) => configuration.id);
  if (dependents.length > 0) {
    throw conflict(
      `memory store ${store.id} still holds configuration(s) ${dependents.join(', ')}; delete them first`,
      dependents[0]!,
    );
  }
  const operation = core.startOperation(request, {
    host: 'memory',
    resultId: store.id,
    complete: () => {
      core.state.stores.delete(store.id);
    },
  });
  return core.accepted(operation, {
    message: 'Store deletion request accepted.',
    statusUrl: operation.statusUrl,
  });
}

function findStore(core: EmulatorCore, storeId: string): StoreRecord {
  const store = core.state.stores.get(storeId);
  if (!store) throw notFound(`No memory store with ID ${storeId}`);
  return store;
}
