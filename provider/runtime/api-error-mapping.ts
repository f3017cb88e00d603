import OpenAI from "openai";
import { BatchApiError } from "../errors";
import { parseRetryAfter } from "../policy/retry";

/**
 * The one place where an SDK error becomes a `BatchApiError`, with the status, the API's code, the
 * request id and the server's `Retry-After`. The key is scrubbed from the text in case a server
 * ever echoed it.
 */
export function toBatchApiError(
  operation: string,
  error: unknown,
  apiKey: string | undefined,
  nowMs: number,
): BatchApiError {
  if (error instanceof OpenAI.APIError) {
    const body = error.error as { message?: unknown } | undefined;
    const apiMessage = typeof body?.message === "string" ? body.message : describeNoResponse(error);
    const retryAfterMs = parseRetryAfter(error.headers, nowMs);
    return new BatchApiError({
      operation,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(typeof error.code === "string" ? { code: error.code } : {}),
      ...(typeof error.param === "string" ? { param: error.param } : {}),
      ...(error.requestID ? { requestId: error.requestID } : {}),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      apiMessage: scrub(apiMessage, apiKey),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BatchApiError({ operation, apiMessage: scrub(message, apiKey) });
}

function describeNoResponse(error: InstanceType<typeof OpenAI.APIError>): string {
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return "the request timed out (raise openai:requestTimeoutSeconds if the network is slow)";
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : "";
    return `could not reach the API${detail}`;
  }
  return error.message;
}

function scrub(text: string, apiKey: string | undefined): string {
  return apiKey && apiKey.length >= 4 ? text.split(apiKey).join("***") : text;
}
