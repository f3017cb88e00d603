import type { BatchResultRecord, BatchResultStatus } from "./types";

/** What one line of an output or error file says about its request; `customId` null when the API gave none. */
export interface LineResult {
  customId: string | null;
  record: Omit<BatchResultRecord, "custom_id" | "line">;
}

/** Thrown for a line of an output or error file that is not a result line; the caller says which file. */
export class ResultLineProblem extends RangeError {}

/**
 * Reads one line of a batch's output or error file. A 2xx answer succeeded; any other answer
 * failed, with the endpoint's error; a request that never ran carries only an `error`:
 * `batch_expired` and `batch_cancelled` say why, anything else is a failure.
 */
export function resultOfLine(text: string): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ResultLineProblem("the line is not valid JSON");
  }
  if (!isObject(value)) {
    throw new ResultLineProblem("the line is not a JSON object");
  }
  const customId = typeof value.custom_id === "string" ? value.custom_id : null;
  const response = value.response;
  if (isObject(response) && typeof response.status_code === "number") {
    const statusCode = response.status_code;
    const body = response.body;
    if (statusCode >= 200 && statusCode < 300) {
      return { customId, record: { status: "succeeded", statusCode, body } };
    }
    return {
      customId,
      record: { status: "failed", statusCode, body, error: errorOfBody(body, statusCode) },
    };
  }
  const error = isObject(value.error) ? value.error : {};
  const code = typeof error.code === "string" && error.code !== "" ? error.code : "unknown_error";
  const message = typeof error.message === "string" ? error.message : "The request did not run.";
  return { customId, record: { status: statusOfCode(code), error: { code, message } } };
}

function statusOfCode(code: string): BatchResultStatus {
  if (code === "batch_expired") return "expired";
  if (code === "batch_cancelled") return "cancelled";
  return "failed";
}

function errorOfBody(body: unknown, statusCode: number): { code: string; message: string } {
  const error = isObject(body) && isObject(body.error) ? body.error : {};
  const code = typeof error.code === "string" && error.code !== "" ? error.code : `http_${statusCode}`;
  const message =
    typeof error.message === "string" ? error.message : `The request was answered with status ${statusCode}.`;
  return { code, message };
}

/**
 * The result of a request found in neither file, by what became of its batch: a cancelled batch
 * never ran it, an expired one ran out of time, any other is missing it.
 */
export function absentRecord(batchStatus: string | undefined): Omit<BatchResultRecord, "custom_id" | "line"> {
  if (batchStatus === "cancelled" || batchStatus === "cancelling") {
    return {
      status: "cancelled",
      error: { code: "batch_cancelled", message: "The batch was cancelled before this request ran." },
    };
  }
  if (batchStatus === "expired") {
    return {
      status: "expired",
      error: { code: "batch_expired", message: "The batch expired before this request ran." },
    };
  }
  return {
    status: "missing",
    error: { code: "missing", message: "The request is in neither the output file nor the error file." },
  };
}

/**
 * The custom_id's JSON text when a line starts with it (or with `id` and then it). A literal in a
 * function rather than a module constant, so that mutation testing sees a change to it (a change
 * to a module constant takes effect only when the module loads).
 */
function customIdAtStart(text: string): string | undefined {
  return /^\s*\{\s*(?:"id"\s*:\s*"[^"\\]*"\s*,\s*)?"custom_id"\s*:\s*("(?:[^"\\]|\\.)*"|null)/.exec(
    text,
  )?.[1];
}

/**
 * The custom_id of a JSONL line, read without parsing the whole line when it comes first (or
 * after `id`, as in the API's files, within its first 512 characters): a 4 KB body is then never
 * parsed just to find its key, and the rest of such a line is not read. Otherwise the line is
 * parsed; undefined when it has none or is not JSON.
 */
export function customIdOf(text: string): string | null | undefined {
  const head = customIdAtStart(text.length > 512 ? text.slice(0, 512) : text);
  if (head !== undefined) {
    return JSON.parse(head) as string | null;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (!isObject(value)) return undefined;
    if (value.custom_id === null) return null;
    return typeof value.custom_id === "string" ? value.custom_id : undefined;
  } catch {
    return undefined;
  }
}

/** `customIdOf` for a line's bytes: only the head is decoded when the custom_id comes first. */
export function customIdOfBytes(bytes: Buffer): string | null | undefined {
  if (bytes.length > 512) {
    const head = customIdAtStart(bytes.toString("utf8", 0, 512));
    if (head !== undefined) return JSON.parse(head) as string | null;
  }
  return customIdOf(bytes.toString("utf8"));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
