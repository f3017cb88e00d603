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
}

/**
 * The OpenAI API refused or failed a call. Carries the status, the API's code and the request id.
 * The message never contains the API key.
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

  constructor(details: ApiErrorDetails) {
    super(formatApiError(details));
    this.operation = details.operation;
    this.status = details.status;
    this.code = details.code;
    this.param = details.param;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export function isBatchApiError(value: unknown): value is BatchApiError {
  return hasBrand(value, "api");
}

function formatApiError(d: ApiErrorDetails): string {
  const facts = factsOf(d);
  if (d.status === 401) {
    // Whatever the provider was doing, the news is the key: say so first, and how to set one.
    return `The OpenAI API refused the API key (${facts.join(", ")}) when the provider tried to ${d.operation}: ${withoutFinalPeriod(d.apiMessage)}. Set a valid key with \`pulumi config set --secret openai:apiKey <key>\`, or in OPENAI_API_KEY in the environment that runs pulumi.`;
  }
  return `Could not ${d.operation}: ${d.apiMessage} (${facts.join(", ")})${adviceFor(d.status)}`;
}

function withoutFinalPeriod(text: string): string {
  return text.replace(/\.+$/, "");
}

function factsOf(d: ApiErrorDetails): string[] {
  return [
    d.status === undefined ? "no HTTP response" : `HTTP ${d.status}`,
    d.code ? `code ${d.code}` : undefined,
    d.param ? `param ${d.param}` : undefined,
    d.requestId ? `request id ${d.requestId}` : undefined,
  ].filter((fact): fact is string => fact !== undefined);
}

function adviceFor(status: number | undefined): string {
  switch (status) {
    case 403:
      return ". The key has no access to this project or organization; check openai:organization and openai:project.";
    case 429:
      return ". The rate limit or the batch queue limit was reached; try again later.";
    default:
      return status === undefined || status >= 500 ? ". It is safe to run the command again." : ".";
  }
}
