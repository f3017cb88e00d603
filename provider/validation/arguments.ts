import { type BackendProfile, endpointNames, OPENAI_PROFILE } from "../backends";
import {
  COMPLETION_WINDOWS,
  CREATE_TOKEN_METADATA_KEY,
  DEFAULTS,
  LIMITS,
  MAX_USER_METADATA_KEYS,
} from "../contract";
import { noun } from "../display";
import type { InputProblem } from "../errors";
import { checkResultsArguments } from "../results/check-arguments";
import { describeValue, notANumber } from "./describe-value";
import { isUnknown } from "./unknowns";

type Inputs = Readonly<Record<string, unknown>>;

const SOURCES = ["requests", "inputFile", "inputFileId"] as const;

/**
 * Bounds on the wait's timing. Polling faster than once a second only spends the rate limit;
 * a longer gap than a day gains nothing; and no batch runs longer than its 24-hour window plus
 * finalizing, so a wait of more than a week is a mistake (timers cannot wait past 24.8 days).
 */
export const WAIT_BOUNDS = {
  minPollIntervalSeconds: 1,
  maxPollIntervalSeconds: 86_400,
  maxWaitTimeoutSeconds: 604_800,
} as const;

/**
 * Checks every argument of a Batch except the JSONL content itself, and returns one problem per
 * property that is wrong, so that preview shows them all at once. Unknown values pass. The
 * endpoints and the expiry range are the backend's (OpenAI's when not given).
 */
export function checkArguments(inputs: Inputs, backend: BackendProfile = OPENAI_PROFILE): InputProblem[] {
  return [
    ...checkEndpoint(inputs.endpoint, backend),
    ...checkSources(inputs),
    ...checkCompletionWindow(inputs.completionWindow),
    ...checkMetadata(inputs.metadata),
    ...checkOutputExpiresAfter(inputs.outputExpiresAfter, backend),
    ...checkBoolean("waitForCompletion", inputs.waitForCompletion),
    ...checkBoolean("cancelOnDelete", inputs.cancelOnDelete),
    ...checkBoolean("deleteInputFileOnDelete", inputs.deleteInputFileOnDelete),
    ...checkWaitTimes(inputs.waitTimeoutSeconds, inputs.pollIntervalSeconds),
    ...checkResultsArguments(inputs),
  ];
}

function checkEndpoint(endpoint: unknown, backend: BackendProfile): InputProblem[] {
  if (isUnknown(endpoint)) {
    return [];
  }
  const endpoints = endpointNames(backend);
  if (endpoint === undefined) {
    return [{ property: "endpoint", reason: `endpoint is required; use one of ${listOf(endpoints)}` }];
  }
  if (!endpoints.includes(endpoint as string)) {
    const runs = backend.kind === "openai" ? "the Batch API runs" : `${backend.name} runs in a batch`;
    return [
      {
        property: "endpoint",
        reason: `${JSON.stringify(endpoint)} is not an endpoint ${runs}; use one of ${listOf(endpoints)}`,
      },
    ];
  }
  return [];
}

function checkSources(inputs: Inputs): InputProblem[] {
  const given = SOURCES.filter((name) => inputs[name] !== undefined);
  if (given.length === 0) {
    return [
      {
        property: "requests",
        reason: "give the batch its input: exactly one of requests, inputFile or inputFileId",
      },
    ];
  }
  if (given.length > 1) {
    return given.map((name) => ({
      property: name,
      reason: `${given.join(" and ")} are ${given.length === 2 ? "both" : "all"} set; give exactly one of requests, inputFile or inputFileId`,
    }));
  }
  const [name] = given as [(typeof SOURCES)[number]];
  const value = inputs[name];
  if (isUnknown(value)) {
    return [];
  }
  if (name === "requests") {
    if (!Array.isArray(value)) {
      return [
        {
          property: "requests",
          reason: "requests must be an array of request lines {custom_id, method, url, body}",
        },
      ];
    }
    return [];
  }
  if (typeof value !== "string" || value.trim() === "") {
    const what =
      name === "inputFile" ? "the path of a local .jsonl file" : "the id of an uploaded file (file-...)";
    return [{ property: name, reason: `${name} must be ${what}` }];
  }
  return [];
}

function checkCompletionWindow(window: unknown): InputProblem[] {
  if (
    window === undefined ||
    isUnknown(window) ||
    (COMPLETION_WINDOWS as readonly unknown[]).includes(window)
  ) {
    return [];
  }
  return [
    {
      property: "completionWindow",
      reason: `${JSON.stringify(window)} is not a completion window the Batch API offers; use ${listOf(COMPLETION_WINDOWS)}`,
    },
  ];
}

function checkMetadata(metadata: unknown): InputProblem[] {
  if (metadata === undefined || isUnknown(metadata)) {
    return [];
  }
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    return [{ property: "metadata", reason: "metadata must be an object of string keys and string values" }];
  }
  const entries = Object.entries(metadata);
  const problems: InputProblem[] = [];
  if (entries.length > MAX_USER_METADATA_KEYS) {
    problems.push({
      property: "metadata",
      reason: `metadata has ${entries.length} keys; at most ${MAX_USER_METADATA_KEYS} are allowed, because the API takes ${LIMITS.maxMetadataKeys} and one carries the token that keeps a retried create from making a second batch`,
    });
  }
  for (const [key, value] of entries) {
    const property = `metadata.${key}`;
    if (key === CREATE_TOKEN_METADATA_KEY) {
      problems.push({ property, reason: `the key ${key} is reserved by this provider; choose another key` });
    } else if (key.length > LIMITS.maxMetadataKeyLength) {
      problems.push({
        property,
        reason: `the key is ${key.length} characters long; keys may have at most ${LIMITS.maxMetadataKeyLength}`,
      });
    }
    if (isUnknown(value)) {
      continue;
    }
    if (typeof value !== "string") {
      problems.push({ property, reason: `the value must be a string, not ${describeType(value)}` });
    } else if (value.length > LIMITS.maxMetadataValueLength) {
      problems.push({
        property,
        reason: `the value is ${value.length} characters long; values may have at most ${LIMITS.maxMetadataValueLength}`,
      });
    }
  }
  return problems;
}

function checkOutputExpiresAfter(value: unknown, backend: BackendProfile): InputProblem[] {
  if (value === undefined || isUnknown(value)) {
    return [];
  }
  const range = backend.outputExpiry;
  if (range === undefined) {
    return [
      {
        property: "outputExpiresAfter",
        reason: `${backend.name} does not document output_expires_after for its batches; remove outputExpiresAfter`,
      },
    ];
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [
      {
        property: "outputExpiresAfter",
        reason: `outputExpiresAfter must be {anchor: "created_at", seconds: ${range.min}..${range.max}}`,
      },
    ];
  }
  const { anchor, seconds } = value as Record<string, unknown>;
  const problems: InputProblem[] = [];
  if (!isUnknown(anchor) && anchor !== "created_at") {
    problems.push({
      property: "outputExpiresAfter.anchor",
      reason: `${JSON.stringify(anchor)} is not an anchor the API accepts; use "created_at"`,
    });
  }
  if (
    !isUnknown(seconds) &&
    (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < range.min || seconds > range.max)
  ) {
    const what =
      typeof seconds === "number" && Number.isFinite(seconds)
        ? " is out of range"
        : notANumber(seconds, "a number of seconds") || " is not a number";
    const span = `from ${range.min} (${duration(range.min)}) to ${range.max} (${duration(range.max)})`;
    problems.push({
      property: "outputExpiresAfter.seconds",
      reason:
        backend.kind === "openai"
          ? `${describeValue(seconds)}${what}; use a whole number of seconds ${span}`
          : `${describeValue(seconds)}${what}; ${backend.name} allows a whole number of seconds ${span}`,
    });
  }
  return problems;
}

function checkBoolean(property: string, value: unknown): InputProblem[] {
  if (value === undefined || isUnknown(value) || typeof value === "boolean") {
    return [];
  }
  return [{ property, reason: `${property} must be true or false, not ${describeType(value)}` }];
}

function checkWaitTimes(timeout: unknown, interval: unknown): InputProblem[] {
  const problems = [
    ...checkSeconds("waitTimeoutSeconds", timeout, {
      min: undefined,
      max: WAIT_BOUNDS.maxWaitTimeoutSeconds,
      maxWords: "one week",
    }),
    ...checkSeconds("pollIntervalSeconds", interval, {
      min: WAIT_BOUNDS.minPollIntervalSeconds,
      max: WAIT_BOUNDS.maxPollIntervalSeconds,
      maxWords: "one day",
    }),
  ];
  const effectiveTimeout = timeout ?? DEFAULTS.waitTimeoutSeconds;
  if (
    problems.length === 0 &&
    typeof effectiveTimeout === "number" &&
    typeof interval === "number" &&
    interval > effectiveTimeout
  ) {
    problems.push({
      property: "pollIntervalSeconds",
      reason: `the poll interval (${interval} s) is longer than the wait timeout (${effectiveTimeout} s); make it shorter, or the wait would end before its first poll`,
    });
  }
  return problems;
}

function checkSeconds(
  property: string,
  value: unknown,
  bounds: { min: number | undefined; max: number; maxWords: string },
): InputProblem[] {
  if (value === undefined || isUnknown(value)) {
    return [];
  }
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    return [
      {
        property,
        reason: `${property} is ${describeValue(value)}${notANumber(value, "a number of seconds")}; give a number of seconds greater than 0, at most ${bounds.max} (${bounds.maxWords})`,
      },
    ];
  }
  if (bounds.min !== undefined && value < bounds.min) {
    return [
      {
        property,
        reason: `${property} is ${value}; use at least ${bounds.min} ${noun(bounds.min, "second")}, as faster polling only spends the API's rate limit`,
      },
    ];
  }
  if (value > bounds.max) {
    return [
      { property, reason: `${property} is ${value}; use at most ${bounds.max} seconds (${bounds.maxWords})` },
    ];
  }
  return [];
}

/** `1 hour`, `14 days`, `30 days`: a number of seconds in words. */
function duration(seconds: number): string {
  const days = seconds / 86_400;
  if (Number.isInteger(days)) return `${days} ${noun(days, "day")}`;
  const hours = seconds / 3_600;
  return Number.isInteger(hours) ? `${hours} ${noun(hours, "hour")}` : `${seconds} seconds`;
}

function listOf(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(", ");
}

function describeType(value: unknown): string {
  if (value === null) {
    return "null";
  }
  return Array.isArray(value) ? "an array" : `a ${typeof value} (${describeValue(value)})`;
}
