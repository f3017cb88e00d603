import { type PriceOverrides, pricesProblems } from "../cost/prices";
import type { InputProblem } from "../errors";
import { azureProfile, isAzureHost } from "./azure";
import { type CompatibleSettings, compatibleProfile } from "./compatible";
import { openAiProfile } from "./openai";
import { PRESET_NAMES, type PresetName, presetOfHost } from "./presets";
import type { BackendKind, BackendProfile } from "./profile";

export const BACKEND_KINDS: readonly BackendKind[] = ["openai", "azure", "compatible"];

/** The backend settings as given (stack config, provider arguments): text, or undefined when unset. */
export interface BackendSettingValues {
  backend?: string | undefined;
  apiVersion?: string | undefined;
  models?: string | undefined;
  prices?: string | undefined;
  preset?: string | undefined;
  maxRequestsPerFile?: string | undefined;
  maxBytesPerFile?: string | undefined;
  endpoints?: string | undefined;
  filePurpose?: string | undefined;
  maxCustomIdLength?: string | undefined;
  batchMetadata?: string | undefined;
}

export type BackendSettingName = keyof BackendSettingValues;

/** The settings that only an OpenAI-compatible backend takes. */
const COMPATIBLE_ONLY = [
  "preset",
  "maxRequestsPerFile",
  "maxBytesPerFile",
  "endpoints",
  "filePurpose",
  "maxCustomIdLength",
  "batchMetadata",
] as const satisfies readonly BackendSettingName[];

/** The backend the provider talks to, and the settings that go with it. */
export interface BackendChoice {
  profile: BackendProfile;
  /** Azure's older API: the `api-version` query of `/openai/files`, `/openai/batches`. Undefined: the v1 API. */
  apiVersion: string | undefined;
  /** Prices by model for every batch of the stack, under each resource's `prices` argument. */
  prices: PriceOverrides | undefined;
}

/**
 * Chooses the backend from the settings: `backend` when given, else the base URL's host (an Azure
 * OpenAI host is Azure; Groq's and Together's hosts are compatible with their preset), else
 * OpenAI. Never throws: a wrong value becomes a problem (named by `keyOf`) and its default is used.
 */
export function chooseBackend(
  values: BackendSettingValues,
  baseUrl: string,
  keyOf: (name: BackendSettingName) => string,
  problems: InputProblem[],
): BackendChoice {
  const host = hostOf(baseUrl);
  const kind = kindOf(values.backend, host, keyOf, problems);
  const models = parseModels(values.models, keyOf("models"), problems);
  const prices = parsePrices(values.prices, keyOf("prices"), problems);
  if (kind !== "compatible") {
    for (const name of COMPATIBLE_ONLY) {
      if (values[name] !== undefined) {
        problems.push({
          property: keyOf(name),
          reason: `${keyOf(name)} applies only to an OpenAI-compatible backend, and this one is ${kind === "azure" ? "Azure" : "OpenAI"}; remove it, or set ${keyOf("backend")} to compatible`,
        });
      }
    }
  }
  const apiVersion =
    kind === "azure" ? parseApiVersion(values.apiVersion, keyOf("apiVersion"), problems) : undefined;
  if (kind !== "azure" && values.apiVersion !== undefined) {
    problems.push({
      property: keyOf("apiVersion"),
      reason: `${keyOf("apiVersion")} selects the version of Azure's older API, and this backend is ${kind === "openai" ? "OpenAI" : "OpenAI-compatible"}; remove it, or set ${keyOf("backend")} to azure`,
    });
  }
  if (kind === "azure") return { profile: azureProfile(models), apiVersion, prices };
  if (kind === "openai") return { profile: openAiProfile(models), apiVersion: undefined, prices };
  const compatible: CompatibleSettings = {
    preset: parsePreset(values.preset, host, keyOf("preset"), problems),
    maxRequestsPerFile: parseCount(values.maxRequestsPerFile, keyOf("maxRequestsPerFile"), problems),
    maxBytesPerFile: parseCount(values.maxBytesPerFile, keyOf("maxBytesPerFile"), problems),
    endpoints: parseEndpoints(values.endpoints, keyOf("endpoints"), problems),
    filePurpose: parsePurpose(values.filePurpose, keyOf("filePurpose"), problems),
    maxCustomIdLength: parseCount(values.maxCustomIdLength, keyOf("maxCustomIdLength"), problems),
    batchMetadata: parseBoolean(values.batchMetadata, keyOf("batchMetadata"), problems),
  };
  return { profile: compatibleProfile(compatible, models), apiVersion: undefined, prices };
}

function kindOf(
  value: string | undefined,
  host: string | undefined,
  keyOf: (name: BackendSettingName) => string,
  problems: InputProblem[],
): BackendKind {
  if (value !== undefined) {
    if ((BACKEND_KINDS as readonly string[]).includes(value)) return value as BackendKind;
    problems.push({
      property: keyOf("backend"),
      reason: `${JSON.stringify(value)} is not a backend; use openai, azure or compatible (or leave it unset: an Azure OpenAI base URL means azure)`,
    });
  }
  if (host !== undefined && isAzureHost(host)) return "azure";
  if (host !== undefined && presetOfHost(host) !== undefined) return "compatible";
  return "openai";
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function parsePreset(
  value: string | undefined,
  host: string | undefined,
  key: string,
  problems: InputProblem[],
): PresetName | undefined {
  if (value === undefined) return host === undefined ? undefined : presetOfHost(host);
  if ((PRESET_NAMES as readonly string[]).includes(value)) return value as PresetName;
  problems.push({
    property: key,
    reason: `${JSON.stringify(value)} is not a preset; use ${PRESET_NAMES.join(" or ")}, or leave it unset and give the limits yourself`,
  });
  return undefined;
}

/** Dates of Azure's API versions: `2024-10-21`, `2025-04-01-preview`. */
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

function parseApiVersion(
  value: string | undefined,
  key: string,
  problems: InputProblem[],
): string | undefined {
  if (value === undefined) return undefined;
  if (API_VERSION.test(value)) return value;
  problems.push({
    property: key,
    reason: `${JSON.stringify(value)} is not an Azure API version; give a date such as 2024-10-21 (or 2025-04-01-preview), or leave it unset for the v1 API`,
  });
  return undefined;
}

function parseJsonObject(
  value: string,
  key: string,
  example: string,
  problems: InputProblem[],
): object | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    problems.push({ property: key, reason: `${key} must be a JSON object, like ${example}` });
    return undefined;
  }
  return parsed;
}

function parseModels(
  value: string | undefined,
  key: string,
  problems: InputProblem[],
): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  const example = `{"my-batch-deployment": "gpt-4o-mini"}`;
  const parsed = parseJsonObject(value, key, example, problems);
  if (parsed === undefined) return {};
  const models: Record<string, string> = {};
  for (const [name, model] of Object.entries(parsed)) {
    if (typeof model !== "string" || model.trim() === "") {
      problems.push({
        property: `${key}.${name}`,
        reason: `the model of ${JSON.stringify(name)} must be a model name, like "gpt-4o-mini"`,
      });
    } else {
      models[name] = model;
    }
  }
  return models;
}

function parsePrices(
  value: string | undefined,
  key: string,
  problems: InputProblem[],
): PriceOverrides | undefined {
  if (value === undefined) return undefined;
  const parsed = parseJsonObject(value, key, `{"gpt-4o-mini": {"input": 0.075, "output": 0.3}}`, problems);
  if (parsed === undefined) return undefined;
  const found = pricesProblems(parsed);
  for (const reason of found) problems.push({ property: key, reason: `${key}: ${reason}` });
  return found.length === 0 ? (parsed as PriceOverrides) : undefined;
}

function parseCount(value: string | undefined, key: string, problems: InputProblem[]): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (Number.isSafeInteger(count) && count >= 1) return count;
  problems.push({ property: key, reason: `${JSON.stringify(value)} is not a whole number of 1 or more` });
  return undefined;
}

function parseEndpoints(
  value: string | undefined,
  key: string,
  problems: InputProblem[],
): string[] | undefined {
  if (value === undefined) return undefined;
  let list: unknown;
  try {
    list = value.trim().startsWith("[") ? JSON.parse(value) : value.split(",").map((part) => part.trim());
  } catch {
    list = undefined;
  }
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((item) => typeof item === "string" && /^\/[\w./-]+$/.test(item))
  ) {
    problems.push({
      property: key,
      reason: `${JSON.stringify(value)} is not a list of endpoints; give paths separated by commas, like /v1/chat/completions,/v1/embeddings`,
    });
    return undefined;
  }
  return list as string[];
}

function parsePurpose(value: string | undefined, key: string, problems: InputProblem[]): string | undefined {
  if (value === undefined) return undefined;
  if (/^[\w.-]+$/.test(value)) return value;
  problems.push({
    property: key,
    reason: `${JSON.stringify(value)} is not a file purpose; give a word such as batch or batch-api`,
  });
  return undefined;
}

function parseBoolean(value: string | undefined, key: string, problems: InputProblem[]): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === "true" || value === "false") return value === "true";
  problems.push({ property: key, reason: `${JSON.stringify(value)} is not true or false` });
  return undefined;
}
