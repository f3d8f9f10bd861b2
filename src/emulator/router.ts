import type { IncomingHttpHeaders } from 'node:http';
import type { WorkFault } from './work-fault';

/** One API request, parsed: what a route handler sees. */
export interface ApiRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** Path parameters by the names in the route template. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when there was none. */
  body: unknown;
  /** Scheme, host and port the client reached the emulator on (for absolute `statusUrl`s). */
  baseUrl: string;
  /** A scripted `operation-fails` / `operation-stuck` fault for the work this request creates. */
  workFault?: WorkFault;
}

export interface ApiReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: ApiRequest) => ApiReply;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. `/v2/Conversations/{conversationId}/Actions`; also the key of request counts. */
  template: string;
  /** True when the request starts an async operation or an action (targets of work faults). */
  createsWork?: boolean;
  handler: Handler;
}

interface CompiledRoute {
  route: Route;
  /** Literal segments, or the parameter name for `{name}` segments. */
  segments: { literal?: string; param?: string }[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Matches `METHOD /path` to a route by comparing path segments; routes are few, so a list suffices. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.routes = routes.map((route) => ({
      route,
      segments: route.template
        .split('/')
        .slice(1)
        .map((segment) => (segment.startsWith('{') ? { param: segment.slice(1, -1) } : { literal: segment })),
    }));
  }

  match(method: string, path: string): RouteMatch | undefined {
    const parts = path.split('/').slice(1);
    for (const { route, segments } of this.routes) {
      if (route.method !== method || segments.length !== parts.length) continue;
      const params = matchSegments(segments, parts);
      if (params) return { route, params };
    }
    return undefined;
  }

  /** Whether any route serves `path` (to tell 405 from 404). */
  hasPath(path: string): boolean {
    const parts = path.split('/').slice(1);
    return this.routes.some(
      ({ segments }) => segments.length === parts.length && matchSegments(segments, parts) !== undefined,
    );
  }
}

function matchSegments(
  segments: CompiledRoute['segments'],
  parts: string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i]!;
    if (segment.param !== undefined) {
      if (part === '') return undefined;
      params[segment.param] = decodeURIComponent(part);
    } else if (segment.literal !== part) {
      return undefined;
    }
  }
  return params;
}
