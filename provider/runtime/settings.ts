import { hasCredentials, withoutCredentials } from "../display";
import type { InputProblem } from "../errors";
import { BatchInputError } from "../errors";
import { missingKeyAdvice, PULUMI_AUDIENCE, type SettingsAudience, settingLabel } from "./settings-advice";

/** Where a setting may come from: Pulumi stack config, then the environment. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface ProviderSettings {
  apiKey: string | undefined;
  baseUrl: string;
  organization: string | undefined;
  project: string | undefined;
  /** How often a call that is safe to repeat is retried. */
  maxRetries: number;
  requestTimeoutMs: number;
  /** Settings that were given but are wrong; reported by the first operation that calls the API. */
  problems: InputProblem[];
  /** Who set them, and so how messages name them and what they advise; default: Pulumi's stack config. */
  audience?: SettingsAudience;
}

export const DEFAULT_BASE_URL = "https://api.openai.com/v1";
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 600;

/** Stack config keys and the environment variables they fall back to. */
export const SETTING_SOURCES = {
  apiKey: { config: "openai:apiKey", env: "OPENAI_API_KEY" },
  baseUrl: { config: "openai:baseUrl", env: "OPENAI_BASE_URL" },
  organization: { config: "openai:organization", env: "OPENAI_ORG_ID" },
  project: { config: "openai:project", env: "OPENAI_PROJECT_ID" },
  maxRetries: { config: "openai:maxRetries", env: undefined },
  requestTimeoutSeconds: { config: "openai:requestTimeoutSeconds", env: undefined },
} as const;

export type SettingName = keyof typeof SETTING_SOURCES;

/**
 * The stack config key of a setting: `openai:<name>` for the dynamic provider, `<namespace>:<name>`
 * for a provider whose config lives in another namespace (the plugin's `openai-batch`).
 */
export function settingKey(name: SettingName, namespace?: string): string {
  return namespace === undefined ? SETTING_SOURCES[name].config : `${namespace}:${name}`;
}

/**
 * Works out the settings from stack config, falling back to the environment. It never throws
 * (the dynamic-provider host must not fail in `configure`): wrong values become `problems`.
 */
export function resolveSettings(
  config: ConfigSource | undefined,
  env: Readonly<Record<string, string | undefined>>,
  audience: SettingsAudience = PULUMI_AUDIENCE,
): ProviderSettings {
  const namespace = audience.via === "pulumi" ? audience.namespace : undefined;
  const label = (name: SettingName) => settingLabel(name, audience);
  const pick = (name: SettingName): string | undefined => {
    const source = SETTING_SOURCES[name];
    const fromConfig = nonEmpty(safeGet(config, settingKey(name, namespace)));
    return fromConfig ?? (source.env === undefined ? undefined : nonEmpty(env[source.env]));
  };
  const problems: InputProblem[] = [];
  const baseUrl = pick("baseUrl") ?? DEFAULT_BASE_URL;
  if (!isHttpUrl(baseUrl)) {
    problems.push({
      property: label("baseUrl"),
      reason: `${JSON.stringify(withoutCredentials(baseUrl))} is not an http(s) URL; set it like https://api.openai.com/v1`,
    });
  } else if (hasCredentials(baseUrl)) {
    problems.push({
      property: label("baseUrl"),
      reason: `${withoutCredentials(baseUrl)} carries a user name or password, which no request may carry; remove them from the URL (the API key goes in ${label("apiKey")})`,
    });
  }
  const maxRetries = parseNumber(pick("maxRetries"), DEFAULT_MAX_RETRIES, label("maxRetries"), problems, {
    integer: true,
    min: 0,
    what: "a whole number of retries, 0 or more",
  });
  const timeoutSeconds = parseNumber(
    pick("requestTimeoutSeconds"),
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    label("requestTimeoutSeconds"),
    problems,
    { integer: false, min: Number.MIN_VALUE, what: "a number of seconds greater than 0" },
  );
  return {
    apiKey: pick("apiKey"),
    baseUrl: baseUrl.replace(/\/+$/, ""),
    organization: pick("organization"),
    project: pick("project"),
    maxRetries,
    requestTimeoutMs: timeoutSeconds * 1000,
    problems,
    audience,
  };
}

/** The key, or an error that says how to set it. Also reports any wrong setting. */
export function requireUsableSettings(settings: ProviderSettings): string {
  const problems = [...settings.problems];
  if (settings.apiKey === undefined) {
    problems.push({
      property: settingLabel("apiKey", settings.audience ?? PULUMI_AUDIENCE),
      reason: `no OpenAI API key is set; ${missingKeyAdvice(settings.audience ?? PULUMI_AUDIENCE)}`,
    });
  }
  if (problems.length > 0 || settings.apiKey === undefined) {
    throw new BatchInputError(problems);
  }
  return settings.apiKey;
}

function safeGet(config: ConfigSource | undefined, key: string): string | undefined {
  try {
    const value: unknown = config?.get(key);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function parseNumber(
  raw: string | undefined,
  fallback: number,
  property: string,
  problems: InputProblem[],
  rule: { integer: boolean; min: number; what: string },
): number {
  if (raw === undefined) {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value < rule.min || (rule.integer && !Number.isInteger(value))) {
    problems.push({ property, reason: `${JSON.stringify(raw)} is not ${rule.what}` });
    return fallback;
  }
  return value;
}
