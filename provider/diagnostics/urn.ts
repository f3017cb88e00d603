import { BATCH_TYPE_TOKEN } from "../contract";

const URN_PREFIX = "urn:pulumi:";
/** The stack resource's type: its children's URNs do not carry it in their type chain. */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The URN of the `Batch` that a `resourceKey` belongs to. The key is `<project>/<stack>/<name>`,
 * followed by `@<parent URN>` for a resource with a parent, or the URN itself (the plugin keys
 * its resources by URN). The engine builds a URN from the stack, the project, the type (after the
 * parent's type chain and a `$`, unless the parent is the stack) and the name; this does the same.
 * Undefined when the key is missing or of another shape.
 */
export function urnOfResourceKey(resourceKey: unknown): string | undefined {
  if (typeof resourceKey !== "string") {
    return undefined;
  }
  if (resourceKey.startsWith(URN_PREFIX)) {
    return resourceKey;
  }
  const at = resourceKey.indexOf(`@${URN_PREFIX}`);
  const own = at < 0 ? resourceKey : resourceKey.slice(0, at);
  const match = /^([^/]+)\/([^/]+)\/(.+)$/.exec(own);
  if (match === null) {
    return undefined;
  }
  const [, project, stack, name] = match;
  const parentType = at < 0 ? undefined : typeChainOf(resourceKey.slice(at + 1));
  if (at >= 0 && parentType === undefined) {
    return undefined;
  }
  const type =
    parentType === undefined || parentType === ROOT_STACK_TYPE
      ? BATCH_TYPE_TOKEN
      : `${parentType}$${BATCH_TYPE_TOKEN}`;
  return `${URN_PREFIX}${stack}::${project}::${type}::${name}`;
}

/** The qualified type of a URN (`urn:pulumi:<stack>::<project>::<type chain>::<name>`). */
function typeChainOf(urn: string): string | undefined {
  const parts = urn.slice(URN_PREFIX.length).split("::");
  const type = parts[2];
  return parts.length < 4 || type === undefined || type === "" ? undefined : type;
}
