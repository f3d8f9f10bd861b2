/**
 * `OrchestratorClient`: the Conversation Orchestrator APIs over HTTP. Each method is one request
 * (lists: one request per page) and either returns validated data or throws an
 * `OrchestratorApiError`. Nothing is retried here.
 */
import type { z } from 'zod';
import { parseAccepted } from './accepted';
import { resolveClientOptions, type OrchestratorClientOptions } from './client-options';
import { InvalidRequestError } from './errors';
import { paginate, readPage } from './pagination';
import { checkIdempotencyKey, pathTemplate, type PathTemplate } from './request-checks';
import { parseRetryAfter } from './retry-after';
import {
  actionSchema,
  communicationSchema,
  configurationSchema,
  conversationSchema,
  operationSchema,
  parseResponseBody,
  storeIdSchema,
  storeSchema,
} from './schemas';
import { traceHttpCall } from './tracing';
import { HttpTransport, type HttpMethod, type HttpResponse } from './transport';
import type {
  AcceptedOperation,
  Action,
  IdempotentRequestOptions,
  ListOptions,
  Operation,
  OrchestratorApi,
  Page,
  RequestOptions,
} from './types';

type Host = 'memory' | 'conversations';

interface CallOptions {
  /** Values of the template's `{placeholders}`. */
  params?: Readonly<Record<string, unknown>>;
  query?: URLSearchParams;
  body?: unknown;
  request?: RequestOptions & Partial<Pick<IdempotentRequestOptions, 'idempotencyKey'>>;
  /** The endpoint takes an `Idempotency-Key`: `request.idempotencyKey` is required, checked and sent. */
  idempotent?: boolean;
}

interface ListCallOptions {
  params?: Readonly<Record<string, unknown>>;
  request?: ListOptions & RequestOptions;
  /** Query filters; an array is sent as a repeated parameter. */
  filters?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

const STORES = pathTemplate('/v1/ControlPlane/Stores');
const STORE = pathTemplate('/v1/ControlPlane/Stores/{storeId}');
const MEMORY_OPERATION = pathTemplate('/v1/ControlPlane/Operations/{operationId}');
const CONFIGURATIONS = pathTemplate('/v2/ControlPlane/Configurations');
const CONFIGURATION = pathTemplate('/v2/ControlPlane/Configurations/{configurationId}');
const CONVERSATIONS_OPERATION = pathTemplate('/v2/ControlPlane/Operations/{operationId}');
const CONVERSATIONS = pathTemplate('/v2/Conversations');
const CONVERSATION = pathTemplate('/v2/Conversations/{conversationId}');
const COMMUNICATIONS = pathTemplate('/v2/Conversations/{conversationId}/Communications');
const ACTIONS = pathTemplate('/v2/Conversations/{conversationId}/Actions');
const ACTION = pathTemplate('/v2/Conversations/{conversationId}/Actions/{actionId}');

export class OrchestratorClient implements OrchestratorApi {
  readonly memory: OrchestratorApi['memory'];
  readonly configurations: OrchestratorApi['configurations'];
  readonly conversations: OrchestratorApi['conversations'];
  readonly actions: OrchestratorApi['actions'];
  readonly #transport: HttpTransport;
  readonly #maxPages: number;
  /** Origins (`https://memory.twilio.com`) by host. */
  readonly #origins: Readonly<Record<Host, string>>;

  constructor(options: OrchestratorClientOptions) {
    const resolved = resolveClientOptions(options);
    this.#transport = new HttpTransport(resolved.credentials, resolved);
    this.#maxPages = resolved.maxPages;
    this.#origins = {
      memory: resolved.memoryBaseUrl.origin,
      conversations: resolved.conversationsBaseUrl.origin,
    };

    this.memory = {
      createStore: async (body, request) => this.#accepted('POST', 'memory', STORES, { body, request }),
      getStore: async (storeId, request) =>
        this.#read(
          storeSchema,
          'store',
          await this.#call('GET', 'memory', STORE, { params: { storeId }, request }),
        ),
      listStores: (request) => this.#list('memory', STORES, 'stores', storeIdSchema, { request }),
      listStoresPage: async ({ pageToken, ...request } = {}) =>
        (await this.#page('memory', STORES, 'stores', storeIdSchema, { request }, pageToken)).page,
      deleteStore: async (storeId, request) =>
        this.#accepted('DELETE', 'memory', STORE, { params: { storeId }, request }),
      getOperation: async (operationId, request) =>
        this.#operation(
          await this.#call('GET', 'memory', MEMORY_OPERATION, { params: { operationId }, request }),
        ),
    };

    this.configurations = {
      create: async (body, request) =>
        this.#accepted('POST', 'conversations', CONFIGURATIONS, { body, request, idempotent: true }),
      get: async (configurationId, request) =>
        this.#read(
          configurationSchema,
          'configuration',
          await this.#call('GET', 'conversations', CONFIGURATION, { params: { configurationId }, request }),
        ),
      list: (request) =>
        this.#list('conversations', CONFIGURATIONS, 'configurations', configurationSchema, {
          request,
          filters: { memoryStoreId: request?.memoryStoreId },
        }),
      listPage: async ({ pageToken, ...request } = {}) =>
        (
          await this.#page(
            'conversations',
            CONFIGURATIONS,
            'configurations',
            configurationSchema,
            { request, filters: { memoryStoreId: request.memoryStoreId } },
            pageToken,
          )
        ).page,
      update: async (configurationId, body, request) =>
        this.#accepted('PUT', 'conversations', CONFIGURATION, {
          params: { configurationId },
          body,
          request,
          idempotent: true,
        }),
      delete: async (configurationId, request) =>
        this.#accepted('DELETE', 'conversations', CONFIGURATION, {
          params: { configurationId },
          request,
          idempotent: true,
        }),
      getOperation: async (operationId, request) =>
        this.#operation(
          await this.#call('GET', 'conversations', CONVERSATIONS_OPERATION, {
            params: { operationId },
            request,
          }),
        ),
    };

    this.conversations = {
      create: async (body, request) =>
        this.#read(
          conversationSchema,
          'conversation',
          await this.#call('POST', 'conversations', CONVERSATIONS, { body, request }),
        ),
      get: async (conversationId, request) =>
        this.#read(
          conversationSchema,
          'conversation',
          await this.#call('GET', 'conversations', CONVERSATION, { params: { conversationId }, request }),
        ),
      list: (request) =>
        this.#list('conversations', CONVERSATIONS, 'conversations', conversationSchema, {
          request,
          filters: { status: request?.status },
        }),
      delete: async (conversationId, request) =>
        this.#accepted('DELETE', 'conversations', CONVERSATION, {
          params: { conversationId },
          request,
          idempotent: true,
        }),
      listCommunications: (conversationId, request) =>
        this.#list('conversations', COMMUNICATIONS, 'communications', communicationSchema, {
          params: { conversationId },
          request,
        }),
    };

    this.actions = {
      create: async (conversationId, body, request) =>
        this.#action(
          await this.#call('POST', 'conversations', ACTIONS, { params: { conversationId }, body, request }),
        ),
      get: async (conversationId, actionId, request) =>
        this.#action(
          await this.#call('GET', 'conversations', ACTION, { params: { conversationId, actionId }, request }),
        ),
    };
  }

  /**
   * Polls an operation by the absolute `statusUrl` of its 202. Refused unless the URL's origin
   * is one of the two configured hosts: credentials are never sent anywhere else.
   */
  async getOperationByUrl(statusUrl: string, request?: RequestOptions): Promise<Operation> {
    const url = URL.canParse(statusUrl) ? new URL(statusUrl) : undefined;
    const trusted = [...new Set([this.#origins.conversations, this.#origins.memory])];
    if (url === undefined || !trusted.includes(url.origin)) {
      // The refused URL is not echoed: it came from outside and could carry anything.
      throw new InvalidRequestError(
        `GET statusUrl refused before sending: statusUrl: must be an absolute URL on ${trusted.join(' or ')}`,
        { method: 'GET', path: '', retrySafety: 'never' },
      );
    }
    const path = `${url.pathname}${url.search}`;
    return this.#operation(
      await traceHttpCall({ method: 'GET', route: '{statusUrl}', origin: url.origin }, () =>
        this.#transport.send({ method: 'GET', origin: url.origin, path, ...requestControls(request) }),
      ),
    );
  }

  /** Closes the connection pools; requests after this are refused. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  async #call(
    method: HttpMethod,
    host: Host,
    route: PathTemplate,
    options: CallOptions,
  ): Promise<HttpResponse> {
    const path = route.fill(method, options.params);
    const query = options.query?.toString();
    const headers = options.idempotent
      ? { 'idempotency-key': checkIdempotencyKey(options.request?.idempotencyKey, method, path) }
      : undefined;
    const origin = this.#origins[host];
    return traceHttpCall({ method, route: route.template, origin }, () =>
      this.#transport.send({
        method,
        origin,
        path: query ? `${path}?${query}` : path,
        body: options.body,
        headers,
        ...requestControls(options.request),
      }),
    );
  }

  async #accepted(
    method: HttpMethod,
    host: Host,
    route: PathTemplate,
    options: CallOptions,
  ): Promise<AcceptedOperation> {
    return parseAccepted(await this.#call(method, host, route, options));
  }

  #read<T>(schema: z.ZodType<T>, label: string, response: HttpResponse): T {
    return parseResponseBody(schema, response.body, label, response);
  }

  #operation(response: HttpResponse): Operation {
    return withRetryAfter(this.#read(operationSchema, 'operation', response), response);
  }

  #action(response: HttpResponse): Action {
    return withRetryAfter(this.#read(actionSchema, 'action', response), response);
  }

  #list<T>(
    host: Host,
    route: PathTemplate,
    key: string,
    schema: z.ZodType<T>,
    options: ListCallOptions,
  ): AsyncIterable<T> {
    return paginate((pageToken) => this.#page(host, route, key, schema, options, pageToken), this.#maxPages);
  }

  async #page<T>(
    host: Host,
    route: PathTemplate,
    key: string,
    schema: z.ZodType<T>,
    options: ListCallOptions,
    pageToken: string | undefined,
  ): Promise<{ page: Page<T>; response: HttpResponse }> {
    const query = new URLSearchParams();
    // The specs name these `pageSize` and `pageToken` (the docs' curl sample says `PageSize`).
    if (options.request?.pageSize !== undefined) query.set('pageSize', String(options.request.pageSize));
    if (pageToken !== undefined) query.set('pageToken', pageToken);
    for (const [name, value] of Object.entries(options.filters ?? {})) {
      for (const item of typeof value === 'string' ? [value] : (value ?? [])) query.append(name, item);
    }
    const response = await this.#call('GET', host, route, {
      params: options.params,
      query,
      request: options.request,
    });
    return { page: readPage(response, key, schema), response };
  }
}

function requestControls(request: RequestOptions | undefined): Pick<RequestOptions, 'signal' | 'timeoutMs'> {
  return { signal: request?.signal, timeoutMs: request?.timeoutMs };
}

function withRetryAfter<T extends object>(value: T, response: HttpResponse): T & { retryAfterMs?: number } {
  const retryAfterMs = parseRetryAfter(response.headers['retry-after'], { date: response.headers['date'] });
  return retryAfterMs === undefined ? value : { ...value, retryAfterMs };
}
