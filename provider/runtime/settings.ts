import { type BackendProfile, type BackendSettingName, chooseBackend } from "../backends";
import type { PriceOverrides } from "../cost/prices";
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
  /** The backend: OpenAI, Azure OpenAI, or an OpenAI-compatible API (see backends/). */
  backend: BackendProfile;
  /** Azure's older API version (`api-version`); undefined for the v1 API and other backends. */
  apiVersion: string | undefined;
  /** A Microsoft Entra ID token (AZURE_OPENAI_AD_TOKEN), for Azure when no key is set. */
  adToken: string | undefined;
  /** Prices by model for every batch of the stack (`openai:prices`), under each resource's `prices`. */
  prices: PriceOverrides | undefined;
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
  backend: { config: "openai:backend", env: undefined },
  apiVersion: { config: "openai:apiVersion", env: undefined },
  models: { config: "openai:models", env: undefined },
  prices: { config: "openai:prices", env: undefined },
  preset: { config: "openai:preset", env: undefined },
  maxRequestsPerFile: { config: "openai:maxRequestsPerFile", env: undefined },
  maxBytesPerFile: { config: "openai:maxBytesPerFile", env: undefined },
  endpoints: { config: "openai:endpoints", env: undefined },
  filePurpose: { config: "openai:filePurpose", env: undefined },
  maxCustomIdLength: { config: "openai:maxCustomIdLength", env: undefined },
  batchMetadata: { config: "openai:batchMetadata", env: undefined },
} as const satisfies Record<string, { config: string; env: string | undefined }> &
  Record<BackendSettingName, unknown>;

/** Azure's own environment variables: its key, read after OPENAI_API_KEY, and an Entra ID token. */
export const AZURE_ENV = { apiKey: "AZURE_OPENAI_API_KEY", adToken: "AZURE_OPENAI_AD_TOKEN" } as const;

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
  const choice = chooseBackend(
    {
      backend: pick("backend"),
      apiVersion: pick("apiVersion"),
      models: pick("models"),
      prices: pick("prices"),
      preset: pick("preset"),
      maxRequestsPerFile: pick("maxRequestsPerFile"),
      maxBytesPerFile: pick("maxBytesPerFile"),
      endpoints: pick("endpoints"),
      filePurpose: pick("filePurpose"),
      maxCustomIdLength: pick("maxCustomIdLength"),
      batchMetadata: pick("batchMetadata"),
    },
    baseUrl,
    label,
    problems,
  );
  const azure = choice.profile.kind === "azure";
  if (azure && pick("baseUrl") === undefined) {
    problems.push({
      property: label("baseUrl"),
      reason: `the Azure backend needs the resource's endpoint; set ${label("baseUrl")} to https://<resource>.openai.azure.com (or its /openai/v1 URL)`,
    });
  }
  return {
    apiKey: pick("apiKey") ?? (azure ? nonEmpty(env[AZURE_ENV.apiKey]) : undefined),
    baseUrl: baseUrl.replace(/\/+$/, ""),
    organization: pick("organization"),
    project: pick("project"),
    maxRetries,
    requestTimeoutMs: timeoutSeconds * 1000,
    backend: choice.profile,
    apiVersion: choice.apiVersion,
    adToken: azure ? nonEmpty(env[AZURE_ENV.adToken]) : undefined,
    prices: choice.prices,
    problems,
    audience,
  };
}

/** The key, or an error that says how to set it. Also reports any wrong setting. */
export function requireUsableSettings(settings: ProviderSettings): string {
  const problems = [...settings.problems];
  const azure = settings.backend.kind === "azure";
  if (settings.apiKey === undefined && !(azure && settings.adToken !== undefined)) {
    const audience = settings.audience ?? PULUMI_AUDIENCE;
    const azureAdvice = azure
      ? `; for Azure, ${AZURE_ENV.apiKey} (or a Microsoft Entra ID token in ${AZURE_ENV.adToken}) serves too`
      : "";
    problems.push({
      property: settingLabel("apiKey", audience),
      reason: `no ${settings.backend.name} API key is set; ${missingKeyAdvice(audience)}${azureAdvice}`,
    });
  }
  const credential = settings.apiKey ?? settings.adToken;
  if (problems.length > 0 || credential === undefined) {
    throw new BatchInputError(problems);
  }
  return credential;
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
