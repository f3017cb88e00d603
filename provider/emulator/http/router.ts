import { invalidMethod, invalidUrl } from "../api/errors";

/** One route: a method and a path pattern whose `:name` segments capture parameters. */
export interface Route<H> {
  method: string;
  pattern: string;
  handler: H;
}

export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
}

/**
 * Finds the route of a request. A path that matches no pattern is a 404 "Invalid URL"; a path that
 * matches only with another method is a 405 "Invalid method for URL", as the real API answers.
 */
export function matchRoute<H>(routes: readonly Route<H>[], method: string, path: string): RouteMatch<H> {
  const segments = split(path);
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPattern(split(route.pattern), segments);
    if (params === undefined) continue;
    if (route.method === method) return { handler: route.handler, params };
    allowed.push(route.method);
  }
  if (allowed.length > 0) throw invalidMethod(method, path, allowed);
  throw invalidUrl(method, path);
}

function split(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function matchPattern(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] ?? "";
    const got = segments[i] ?? "";
    if (want.startsWith(":")) {
      let value: string;
      try {
        value = decodeURIComponent(got);
      } catch {
        return undefined;
      }
      params[want.slice(1)] = value;
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
