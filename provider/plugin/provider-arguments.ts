import type { ConfigSource } from "../runtime/settings";
import { unwrapSecrets } from "./secrets";

/**
 * The settings of a provider resource: its arguments (as `Configure` passes them: `apiKey`,
 * `baseUrl`, ..., secrets wrapped, numbers as numbers) over `fallback`, the stack config. A
 * setting the arguments leave out, or give as an empty string, comes from the fallback (and from
 * the environment after it, as `resolveSettings` does). Keys are `<namespace>:<name>`.
 */
export function argumentsOver(
  args: Readonly<Record<string, unknown>>,
  namespace: string,
  fallback: ConfigSource,
): ConfigSource {
  const plain = unwrapSecrets(args) as Readonly<Record<string, unknown>>;
  const prefix = `${namespace}:`;
  return {
    get(key) {
      const value = key.startsWith(prefix) ? plain[key.slice(prefix.length)] : undefined;
      if (typeof value === "string" && value.trim() !== "") return value;
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      if (typeof value === "object" && value !== null) return JSON.stringify(value);
      return fallback.get(key);
    },
  };
}
