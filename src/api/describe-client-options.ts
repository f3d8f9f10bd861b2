import {
  DEFAULT_CONVERSATIONS_BASE_URL,
  DEFAULT_MEMORY_BASE_URL,
  type OrchestratorClientOptions,
} from './client-options';

/**
 * Where Orchestrator requests go and how they authenticate, for logs: the hosts and the kind of
 * credential, never the account SID, token or secret.
 */
export function describeClientOptions(options: OrchestratorClientOptions): string {
  const conversations = options.conversationsBaseUrl ?? DEFAULT_CONVERSATIONS_BASE_URL;
  const memory = options.memoryBaseUrl ?? DEFAULT_MEMORY_BASE_URL;
  const hosts = conversations === memory ? conversations : `conversations ${conversations}, memory ${memory}`;
  return `${hosts} (${'apiKey' in options.credentials ? 'API key' : 'auth token'})`;
}
