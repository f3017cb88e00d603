import * as pulumi from "@pulumi/pulumi";
import type { BackendProfile } from "../backends";
import { type ConfigSource, resolveSettings, SETTING_SOURCES, type SettingName } from "../runtime/settings";

/** The settings that choose the backend; the key and the others are never read by the program. */
const BACKEND_SETTINGS: readonly SettingName[] = [
  "baseUrl",
  "backend",
  "apiVersion",
  "models",
  "prices",
  "preset",
  "maxRequestsPerFile",
  "maxBytesPerFile",
  "endpoints",
  "filePurpose",
  "maxCustomIdLength",
  "batchMetadata",
];

/**
 * The backend the stack's `Batch`es talk to, as the program sees it: the `openai:*` stack config
 * (the dynamic provider's settings), then the environment, as the provider reads them. A set
 * splits its requests within this backend's limits while the program runs.
 */
export function programBackend(
  env: Readonly<Record<string, string | undefined>> = process.env,
): BackendProfile {
  const keys = new Set(BACKEND_SETTINGS.map((name) => SETTING_SOURCES[name].config as string));
  const config: ConfigSource = {
    get(key) {
      if (!keys.has(key)) return undefined;
      const at = key.indexOf(":");
      return new pulumi.Config(key.slice(0, at)).get(key.slice(at + 1));
    },
  };
  return resolveSettings(config, { OPENAI_BASE_URL: env.OPENAI_BASE_URL }).backend;
}
