/**
 * Links into the Temporal Web UI. Its address is not derivable from the gRPC address, so it is
 * `TEMPORAL_UI_URL` when set (e.g. http://localhost:8080 for docker-compose), else the local dev
 * server's default when no TEMPORAL_ADDRESS points elsewhere.
 */
export const LOCAL_DEV_SERVER_UI_URL = 'http://localhost:8233';

export function webUiBaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEMPORAL_UI_URL) return env.TEMPORAL_UI_URL.replace(/\/+$/, '');
  return env.TEMPORAL_ADDRESS ? undefined : LOCAL_DEV_SERVER_UI_URL;
}

/** The run's event history page, or undefined when the UI's address is unknown. */
export function webUiLink(
  namespace: string,
  workflowId: string,
  runId: string,
  baseUrl: string | undefined,
): string | undefined {
  if (!baseUrl) return undefined;
  const [ns, id, run] = [namespace, workflowId, runId].map(encodeURIComponent);
  return `${baseUrl}/namespaces/${ns}/workflows/${id}/${run}/history`;
}
