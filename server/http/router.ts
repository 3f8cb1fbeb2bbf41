/**
 * A typed route table for the control API: each route names its method, its path
 * pattern (`:name` segments are parameters) and its handler. Matching also tells a
 * wrong method (405, with the allowed ones) from an unknown path (404).
 */
import type { ControlFacade } from './control-facade.js';
import type { Reply } from './reply.js';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface RouteContext {
  /** Path parameters, already percent-decoded. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The parsed JSON body for routes with `readsBody`; otherwise undefined. */
  body: unknown;
  facade: ControlFacade;
}

export interface Route {
  method: Method;
  /** e.g. `/api/queue/:id/:action` */
  pattern: string;
  readsBody?: boolean;
  handle(ctx: RouteContext): Reply | Promise<Reply>;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: Method[] }
  | { kind: 'none' };

interface CompiledRoute {
  route: Route;
  segments: string[];
}

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: route.pattern.split('/').slice(1) }));
  }

  /** `segments` are the decoded path segments (`/api/world` → ['api', 'world']). */
  match(method: string, segments: string[]): RouteMatch {
    const allowed: Method[] = [];
    for (const { route, segments: pattern } of this.compiled) {
      const params = matchSegments(pattern, segments);
      if (params === undefined) continue;
      if (route.method === method) return { kind: 'found', route, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'none' };
  }
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = segments[i]!;
    if (want.startsWith(':')) {
      if (got === '') return undefined;
      params[want.slice(1)] = got;
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}

/**
 * Split a URL pathname into decoded segments. Splitting before decoding keeps an
 * encoded slash (`%2F`) inside its segment, so `INBOX%2FWork` is one folder name.
 * Returns undefined for broken percent-encoding.
 */
export function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}
