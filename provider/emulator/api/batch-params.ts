import { type BatchEndpoint, LIMITS } from "../limits";
import { type EmulatorProfile, OPENAI_EMULATION } from "../profiles";
import { invalidType, invalidValue } from "./errors";
import { expiryPolicy, oneOf, rejectUnknown, requiredString } from "./params";

export interface CreateBatchParams {
  inputFileId: string;
  endpoint: BatchEndpoint;
  completionWindow: "24h";
  metadata: Record<string, string> | undefined;
  outputExpiresAfterSeconds: number | undefined;
}

const KNOWN = ["input_file_id", "endpoint", "completion_window", "metadata", "output_expires_after"];

/**
 * Checks the body of POST /v1/batches as the profile's API does. `endpoint` is the endpoint the
 * batch runs: the one given, or its `/v1` form where the profile takes `/chat/completions`.
 */
export function parseCreateBatch(
  body: Record<string, unknown>,
  profile: EmulatorProfile = OPENAI_EMULATION,
): CreateBatchParams {
  rejectUnknown(
    body,
    profile.outputExpiry === undefined ? KNOWN.filter((key) => key !== "output_expires_after") : KNOWN,
  );
  const inputFileId = requiredString(body, "input_file_id");
  const metadata = parseMetadata(body.metadata);
  const given = oneOf(requiredString(body, "endpoint"), "endpoint", Object.keys(profile.createEndpoints));
  const endpoint = profile.createEndpoints[given] as BatchEndpoint;
  const completionWindow = oneOf(requiredString(body, "completion_window"), "completion_window", [
    "24h",
  ] as const);
  return {
    inputFileId,
    endpoint,
    completionWindow,
    // Where batches keep no metadata (Together), it is checked as a parameter, then dropped.
    metadata: profile.keepsMetadata ? metadata : undefined,
    outputExpiresAfterSeconds: parseOutputExpiry(body.output_expires_after, profile),
  };
}

export function parseMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw invalidType("metadata", "an object", value);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > LIMITS.metadataMaxKeys) {
    throw invalidValue(
      "metadata",
      `Invalid 'metadata': too many properties. Expected an object with at most ${LIMITS.metadataMaxKeys} properties, but got an object with ${entries.length} properties instead.`,
    );
  }
  const metadata: Record<string, string> = {};
  for (const [key, item] of entries) {
    if (key.length > LIMITS.metadataMaxKeyLength) {
      throw invalidValue(
        "metadata",
        `Invalid 'metadata': key '${key.slice(0, 20)}…' is ${key.length} characters long; keys can be at most ${LIMITS.metadataMaxKeyLength} characters.`,
      );
    }
    if (typeof item !== "string") throw invalidType(`metadata.${key}`, "a string", item);
    if (item.length > LIMITS.metadataMaxValueLength) {
      throw invalidValue(
        "metadata",
        `Invalid 'metadata': the value of '${key}' is ${item.length} characters long; values can be at most ${LIMITS.metadataMaxValueLength} characters.`,
      );
    }
    metadata[key] = item;
  }
  return metadata;
}

function parseOutputExpiry(value: unknown, profile: EmulatorProfile): number | undefined {
  const range = profile.outputExpiry;
  if (value === undefined || value === null || range === undefined) return undefined;
  if (typeof value !== "object" || Array.isArray(value))
    throw invalidType("output_expires_after", "an object", value);
  const policy = value as Record<string, unknown>;
  for (const key of Object.keys(policy)) {
    if (key !== "anchor" && key !== "seconds") {
      throw invalidValue("output_expires_after", `Unknown parameter: 'output_expires_after.${key}'.`);
    }
  }
  return expiryPolicy(policy.anchor, policy.seconds, "output_expires_after", range.min, range.max);
}
