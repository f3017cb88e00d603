import type { BatchOutputs } from "../contract";
import { displayable } from "../display";
import { ERROR_BRAND, hasBrand } from "./brand";

export interface ApiErrorDetails {
  /** What the provider was doing, e.g. `create the batch`. */
  operation: string;
  /** HTTP status, absent for a connection error or a time-out. */
  status?: number;
  /** The API's error code, e.g. `invalid_value`. */
  code?: string;
  /** The parameter the API blamed. */
  param?: string;
  /** The `x-request-id` of the failed call, for OpenAI support. */
  requestId?: string;
  /** The API's own message. */
  apiMessage: string;
  /** How long the server asked to wait before another try (`Retry-After`), in milliseconds. */
  retryAfterMs?: number;
  /** What to tell the user to change, where the settings are set; default: the provider's stack config. */
  advice?: SettingsAdvice;
  /** What the provider makes of the error and what to do, said after the API's error (e.g. a full queue). */
  note?: string;
}

/**
 * What an API error's message tells the user to do, in the terms of where they set the key, the
 * URL, the organization and the project: Pulumi's stack config, or the environment.
 */
export interface SettingsAdvice {
  /** Who made the call, e.g. `the provider` or `openai-batch`. */
  caller: string;
  /** One sentence: how to set a valid key. */
  setKey: string;
  /** How to fix a key without access to the project or organization, e.g. `check openai:project`. */
  access: string;
  /** What to do about a request that timed out. */
  timeout: string;
  /** What to check when the API could not be reached. */
  unreachable: string;
}

/** The provider's advice, with the stack config of the `openai` namespace. */
const PROVIDER_ADVICE: SettingsAdvice = {
  caller: "the provider",
  setKey:
    "Set a valid key with `pulumi config set --secret openai:apiKey <key>`, or in OPENAI_API_KEY in the environment that runs pulumi.",
  access: "check openai:organization and openai:project",
  timeout: "raise openai:requestTimeoutSeconds if the network is slow",
  unreachable: "check openai:baseUrl (or OPENAI_BASE_URL) and the network",
};

/** The advice a message gives: the one given, or the provider's. */
export function adviceOf(details: { advice?: SettingsAdvice | undefined }): SettingsAdvice {
  return details.advice ?? PROVIDER_ADVICE;
}

/**
 * What a create whose outcome is unknown may have left behind, recorded in the state under a
 * placeholder id so that the next `pulumi up`, `refresh` or `destroy` finds it by its create token.
 */
export interface UnknownOutcomeRecord {
  /** The placeholder id the resource is recorded under. */
  id: string;
  /** The outputs recorded with it. */
  properties: BatchOutputs;
  /** What the user is told about it, after the API's error. */
  note: string;
}

/**
 * The OpenAI API refused or failed a call. Carries the status, the API's code and the request id.
 * The message never contains the API key. When a create failed in a way that may have left a
 * batch or a file behind, it also carries `id`, `properties` and `reasons`, which the
 * dynamic-provider host reads to record the resource in the state ("created but failed to
 * initialise") rather than lose track of it.
 */
export class BatchApiError extends Error {
  readonly [ERROR_BRAND] = "api" as const;
  override readonly name = "BatchApiError";
  readonly operation: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** The API's own message. */
  readonly apiMessage: string;
  /** The placeholder id of a create whose outcome is unknown, read by the dynamic-provider host. */
  readonly id: string | undefined;
  /** The outputs recorded under `id`, read by the dynamic-provider host. */
  readonly properties: BatchOutputs | undefined;
  /** One line, read by the dynamic-provider host. */
  readonly reasons: string[] | undefined;
  /** The advice the message gives, kept for `recording`. */
  readonly advice: SettingsAdvice | undefined;
  /** What the provider makes of the error, said after it; kept for `recording`. */
  readonly note: string | undefined;

  constructor(details: ApiErrorDetails, record?: UnknownOutcomeRecord) {
    super(
      displayable(
        record === undefined ? formatApiError(details) : `${formatApiError(details)} ${record.note}`,
      ),
    );
    this.operation = details.operation;
    this.status = details.status;
    this.code = details.code;
    this.param = details.param;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.apiMessage = details.apiMessage;
    this.advice = details.advice;
    this.note = details.note;
    this.id = record?.id;
    this.properties = record?.properties;
    this.reasons = record === undefined ? undefined : [this.message];
  }

  /** The same error, recording what the failed create may have left behind. */
  recording(record: UnknownOutcomeRecord): BatchApiError {
    return new BatchApiError(this.details(), record);
  }

  /** The same error, with what the provider makes of it and what to do said after it. */
  noting(note: string): BatchApiError {
    return new BatchApiError({ ...this.details(), note });
  }

  /** What this error was made from, leaving out what is undefined. */
  private details(): ApiErrorDetails {
    const details: ApiErrorDetails = { operation: this.operation, apiMessage: this.apiMessage };
    if (this.status !== undefined) details.status = this.status;
    if (this.code !== undefined) details.code = this.code;
    if (this.param !== undefined) details.param = this.param;
    if (this.requestId !== undefined) details.requestId = this.requestId;
    if (this.retryAfterMs !== undefined) details.retryAfterMs = this.retryAfterMs;
    if (this.advice !== undefined) details.advice = this.advice;
    if (this.note !== undefined) details.note = this.note;
    return details;
  }
}

export function isBatchApiError(value: unknown): value is BatchApiError {
  return hasBrand(value, "api");
}

/**
 * The message: the server's text in it (message, code, param, request id) cut to a readable
 * length and, with the rest, made displayable by the constructor.
 */
function formatApiError(d: ApiErrorDetails): string {
  const facts = factsOf(d);
  const apiMessage = displayable(d.apiMessage, MAX_MESSAGE_CHARS);
  const advice = adviceOf(d);
  if (d.status === 401) {
    // Whatever the caller was doing, the news is the key: say so first, and how to set one.
    return `The OpenAI API refused the API key (${facts.join(", ")}) when ${advice.caller} tried to ${d.operation}: ${withoutFinalPeriod(apiMessage)}. ${advice.setKey}`;
  }
  const note = d.note === undefined ? "" : ` ${d.note}`;
  return `Could not ${d.operation}: ${apiMessage} (${facts.join(", ")})${adviceFor(d.status, advice)}${note}`;
}

/** The most of the API's message a message shows, and of a code, param or request id. */
const MAX_MESSAGE_CHARS = 2_000;
const MAX_FIELD_CHARS = 200;

function withoutFinalPeriod(text: string): string {
  return text.replace(/\.+$/, "");
}

function factsOf(d: ApiErrorDetails): string[] {
  return [
    d.status === undefined ? "no HTTP response" : `HTTP ${d.status}`,
    d.code ? `code ${displayable(d.code, MAX_FIELD_CHARS)}` : undefined,
    d.param ? `param ${displayable(d.param, MAX_FIELD_CHARS)}` : undefined,
    d.requestId ? `request id ${displayable(d.requestId, MAX_FIELD_CHARS)}` : undefined,
  ].filter((fact): fact is string => fact !== undefined);
}

function adviceFor(status: number | undefined, advice: SettingsAdvice): string {
  switch (status) {
    case 403:
      return `. The key has no access to this project or organization; ${advice.access}.`;
    case 429:
      return ". The rate limit or the batch queue limit was reached; try again later.";
    default:
      return status === undefined || status >= 500 ? ". It is safe to run the command again." : ".";
  }
}
