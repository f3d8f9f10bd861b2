/**
 * The public shapes of the Conversation Orchestrator API client.
 *
 * These are the contract between the HTTP client (src/api), the activities that call it and
 * the workflows that receive its results. Everything here is plain, serialisable data: it
 * crosses Temporal's payload boundary unchanged.
 *
 * Response shapes are derived from their zod schemas (src/api/schemas.ts) and request shapes from
 * theirs (src/api/request-schemas.ts), so each is written once. Type-only imports: workflows
 * import this file.
 */
import type { z } from 'zod';
import type { CHANNELS } from './field-rules';
import type {
  configurationCreateSchema,
  conversationCreateSchema,
  sendMessageActionSchema,
  storeCreateSchema,
} from './request-schemas';
import type {
  actionSchema,
  actionStatusSchema,
  channelSettingsSchema,
  communicationSchema,
  configurationSchema,
  conversationGroupingTypeSchema,
  conversationSchema,
  conversationStatusSchema,
  endpointSchema,
  operationErrorSchema,
  operationSchema,
  operationStatusSchema,
  participantAddressSchema,
  participantSchema,
  participantTypeSchema,
  statusCallbackSchema,
  storeSchema,
  storeStatusSchema,
} from './schemas';

/** Status of an async operation. RUNNING is pending; CANCELLED is a terminal failure. */
export type OperationStatus = z.infer<typeof operationStatusSchema>;

/** Statuses after which an operation never changes again. */
export const TERMINAL_OPERATION_STATUSES: readonly OperationStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** Which host an operation lives on; the two hosts use different operation paths and bodies. */
export type OperationHost = 'memory' | 'conversations';

/**
 * Details of a failed operation; Conversations uses RFC 9457 fields, Memory adds `code`. Text
 * fields are cut to `MAX_SERVER_TEXT_CHARS`.
 */
export type OperationError = z.infer<typeof operationErrorSchema>;

/** One poll of `GET .../ControlPlane/Operations/{id}`, normalised across both hosts. */
export type Operation = z.infer<typeof operationSchema> & {
  /** The response's `Retry-After`, parsed (RFC 9110) and clamped; undefined when absent or junk. */
  retryAfterMs?: number;
};

/** Every `202 Accepted` for an async operation, parsed into one shape. */
export interface AcceptedOperation {
  /** From the `Operation-Id` header, else the last path segment of `statusUrl`. */
  operationId: string;
  /** Absolute URL to poll. */
  statusUrl: string;
  /** The response's `Retry-After`, parsed and clamped; undefined when absent or junk. */
  retryAfterMs?: number;
  /** Named IDs from the body, e.g. `configurationId`; `{}` when absent. */
  related: Record<string, string>;
  /** The `Location` header, when present. */
  location?: string;
  /** Memory's human-readable `message`, when present. */
  message?: string;
}

// ---------- Memory stores ----------

export type StoreStatus = z.infer<typeof storeStatusSchema>;

/** `displayName` is unique per account. */
export type CreateStoreRequest = z.input<ReturnType<typeof storeCreateSchema>>;

export type MemoryStore = z.infer<typeof storeSchema>;

// ---------- Configurations ----------

export type ConversationGroupingType = z.infer<typeof conversationGroupingTypeSchema>;

export type ChannelType = (typeof CHANNELS)[number];

export type ChannelSettings = z.infer<typeof channelSettingsSchema>;

/** The create/update schemas accept all five methods; the response schema names only GET and POST. */
export type StatusCallback = z.infer<typeof statusCallbackSchema>;

/** The body of a configuration create, and of a full replace (`PUT`). */
export type ConfigurationRequest = z.input<ReturnType<typeof configurationCreateSchema>>;

export type Configuration = z.infer<typeof configurationSchema>;

// ---------- Conversations ----------

/**
 * Creating a conversation accepts HUMAN_AGENT, CUSTOMER and AI_AGENT; responses may also carry
 * AGENT and UNKNOWN (the spec's participant schema).
 */
export type ParticipantType = z.infer<typeof participantTypeSchema>;

export type ParticipantAddress = z.infer<typeof participantAddressSchema>;

export type Participant = z.infer<typeof participantSchema>;

export type CreateConversationRequest = z.input<ReturnType<typeof conversationCreateSchema>>;

export type ConversationStatus = z.infer<typeof conversationStatusSchema>;

export type Conversation = z.infer<typeof conversationSchema>;

export type Communication = z.infer<typeof communicationSchema>;

// ---------- Actions ----------

export type ActionStatus = z.infer<typeof actionStatusSchema>;

export type MessageEndpoint = z.infer<typeof endpointSchema>;

export type SendMessageRequest = z.input<ReturnType<typeof sendMessageActionSchema>>;

/** `failureReason` is cut to `MAX_SERVER_TEXT_CHARS`. */
export type Action = z.infer<typeof actionSchema> & {
  /** The response's `Retry-After`, when the server sent one. */
  retryAfterMs?: number;
};

// ---------- Lists ----------

/** `meta` of every list response. */
export interface PageMeta {
  key: string;
  pageSize: number;
  nextToken?: string | null;
  previousToken?: string | null;
}

export interface Page<T> {
  items: T[];
  meta: PageMeta;
}

export interface ListOptions {
  /** Page size sent as `pageSize`; the client follows `nextToken` across pages. */
  pageSize?: number;
}

/**
 * Which page of a list to read, for a caller that walks the pages itself (one request at a time,
 * e.g. one activity per page), which then bounds the walk as `paginate` does.
 */
export interface PageRequest {
  /** A page's `meta.nextToken`; none: the first page. */
  pageToken?: string;
}

/** Per-request options every client method accepts. */
export interface RequestOptions {
  /** Aborts the request. */
  signal?: AbortSignal;
  /** Overrides the client's per-request timeout. */
  timeoutMs?: number;
}

/** Options of a request the API accepts an `Idempotency-Key` for. */
export interface IdempotentRequestOptions extends RequestOptions {
  /**
   * A UUID the caller generates once per logical request and reuses on every retry of it.
   * A malformed key is refused before any request is sent.
   */
  idempotencyKey: string;
}

// ---------- The client ----------

/**
 * What the Orchestrator client offers. `OrchestratorClient` (src/api/client.ts) implements it
 * over HTTP; activities depend on this interface only.
 *
 * Every method throws an `OrchestratorApiError` subclass (src/api/errors.ts) on failure.
 * List methods return async iterators that follow `nextToken` across pages.
 */
export interface OrchestratorApi {
  memory: {
    createStore(body: CreateStoreRequest, options?: RequestOptions): Promise<AcceptedOperation>;
    getStore(storeId: string, options?: RequestOptions): Promise<MemoryStore>;
    /** Store IDs only: the API returns no names in the list. */
    listStores(options?: ListOptions & RequestOptions): AsyncIterable<string>;
    /** One page of store IDs: the first, or the one `pageToken` (a `meta.nextToken`) names. */
    listStoresPage(options?: ListOptions & PageRequest & RequestOptions): Promise<Page<string>>;
    deleteStore(storeId: string, options?: RequestOptions): Promise<AcceptedOperation>;
    getOperation(operationId: string, options?: RequestOptions): Promise<Operation>;
  };
  configurations: {
    create(body: ConfigurationRequest, options: IdempotentRequestOptions): Promise<AcceptedOperation>;
    get(configurationId: string, options?: RequestOptions): Promise<Configuration>;
    list(options?: ListOptions & RequestOptions & { memoryStoreId?: string }): AsyncIterable<Configuration>;
    /** One page of configurations: the first, or the one `pageToken` (a `meta.nextToken`) names. */
    listPage(
      options?: ListOptions & PageRequest & RequestOptions & { memoryStoreId?: string },
    ): Promise<Page<Configuration>>;
    /** Full replace; `version` (optional) is checked server-side, 409 on conflict. */
    update(
      configurationId: string,
      body: ConfigurationRequest & { version?: number },
      options: IdempotentRequestOptions,
    ): Promise<AcceptedOperation>;
    delete(configurationId: string, options: IdempotentRequestOptions): Promise<AcceptedOperation>;
    /** `GET /v2/ControlPlane/Operations/{id}` */
    getOperation(operationId: string, options?: RequestOptions): Promise<Operation>;
  };
  conversations: {
    create(body: CreateConversationRequest, options?: RequestOptions): Promise<Conversation>;
    get(conversationId: string, options?: RequestOptions): Promise<Conversation>;
    list(
      options?: ListOptions & RequestOptions & { status?: ConversationStatus[] },
    ): AsyncIterable<Conversation>;
    delete(conversationId: string, options: IdempotentRequestOptions): Promise<AcceptedOperation>;
    listCommunications(
      conversationId: string,
      options?: ListOptions & RequestOptions,
    ): AsyncIterable<Communication>;
  };
  actions: {
    /** 202 with the Action in PENDING. No Idempotency-Key exists: a resend sends the message again. */
    create(conversationId: string, body: SendMessageRequest, options?: RequestOptions): Promise<Action>;
    get(conversationId: string, actionId: string, options?: RequestOptions): Promise<Action>;
  };
  /** Polls any operation by its absolute `statusUrl` (either host). */
  getOperationByUrl(statusUrl: string, options?: RequestOptions): Promise<Operation>;
}
