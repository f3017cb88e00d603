import OpenAI from "openai";
import { scrubKey, scrubUrlCredentials, withoutCredentials } from "../display";
import { adviceOf, BatchApiError, type SettingsAdvice } from "../errors";
import { parseRetryAfter } from "../policy/retry";
import { AnswerTooLongError } from "./bounded-answer";

/**
 * The one place where an SDK error becomes a `BatchApiError`, with the status, the API's code, the
 * request id and the server's `Retry-After`. The key is scrubbed from every field the server
 * filled in (message, code, param, request id, the text of a connection error), in case a server
 * ever echoed it.
 */
export function toBatchApiError(
  operation: string,
  error: unknown,
  apiKey: string | undefined,
  nowMs: number,
  baseUrl?: string,
  advice?: SettingsAdvice,
): BatchApiError {
  const scrub = (text: string) => scrubKey(text, apiKey);
  if (error instanceof OpenAI.APIError) {
    const body = error.error as { message?: unknown } | undefined;
    const apiMessage =
      typeof body?.message === "string"
        ? body.message
        : describeNoResponse(error, baseUrl, adviceOf({ advice }));
    const retryAfterMs = parseRetryAfter(error.headers, nowMs);
    return new BatchApiError({
      operation,
      ...(advice === undefined ? {} : { advice }),
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(typeof error.code === "string" ? { code: scrub(error.code) } : {}),
      ...(typeof error.param === "string" ? { param: scrub(error.param) } : {}),
      ...(error.requestID ? { requestId: scrub(error.requestID) } : {}),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      apiMessage: scrub(apiMessage),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BatchApiError({
    operation,
    apiMessage: scrub(message),
    ...(advice === undefined ? {} : { advice }),
  });
}

function describeNoResponse(
  error: InstanceType<typeof OpenAI.APIError>,
  baseUrl: string | undefined,
  advice: SettingsAdvice,
): string {
  const where = baseUrl === undefined ? "" : ` at ${withoutCredentials(baseUrl)}`;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return `the request to the API${where} timed out (${advice.timeout})`;
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof AnswerTooLongError) {
    return cause.message;
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const detail = connectionDetail((error as { cause?: unknown }).cause);
    const fix = baseUrl === undefined ? "" : `; ${advice.unreachable}`;
    return `could not reach the API${where}${detail}${fix}`;
  }
  return error.message;
}

/** The innermost cause's message and code, e.g. `: connect ECONNREFUSED 127.0.0.1:9`. */
function connectionDetail(cause: unknown): string {
  let inner = cause;
  for (let depth = 0; depth < 5 && inner instanceof Error && inner.cause instanceof Error; depth += 1) {
    inner = inner.cause;
  }
  if (!(inner instanceof Error)) {
    return "";
  }
  const code = (inner as { code?: unknown }).code;
  const text = inner.message !== "" ? inner.message : typeof code === "string" ? code : "";
  return text === "" ? "" : ` (${scrubUrlCredentials(text)})`;
}
