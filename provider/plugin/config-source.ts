import type { ConfigSource } from "../runtime/settings";

/** The environment variable in which the Pulumi engine hands a provider plugin its stack config. */
export const CONFIG_VARIABLE = "PULUMI_CONFIG";

/**
 * The stack config of the plugin's namespace, from `PULUMI_CONFIG`: a JSON object of names
 * (without the namespace) to values, secrets decrypted. The Node provider server passes no config
 * to the provider in `Configure`, so this is the one place the plugin learns it. A variable that
 * is missing or not a JSON object gives an empty config (the environment fallbacks then apply).
 */
export function pluginConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  namespace: string,
): ConfigSource {
  const values = parse(env[CONFIG_VARIABLE]);
  const prefix = `${namespace}:`;
  return {
    get(key) {
      if (!key.startsWith(prefix)) return undefined;
      const value = values[key.slice(prefix.length)];
      return typeof value === "string" ? value : undefined;
    },
  };
}

function parse(raw: string | undefined): Readonly<Record<string, unknown>> {
  if (raw === undefined || raw.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
