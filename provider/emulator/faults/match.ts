/**
 * Whether a request path matches a fault rule's path pattern: segments compare one to one, and
 * `*` matches any single segment. No pattern matches every path.
 */
export function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  const want = trimSlash(pattern).split("/");
  const got = trimSlash(path).split("/");
  if (want.length !== got.length) return false;
  return want.every((segment, i) => segment === "*" || segment === got[i]);
}

export function methodMatches(method: string | undefined, actual: string): boolean {
  return method === undefined || method.toUpperCase() === actual.toUpperCase();
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}
