import type { RequestFailure } from "../faults/injector";
import { derivedId, digest } from "../ids";
import type { ExecutionFailure, ExecutionSuccess } from "./context";

/** The lines of batch output and error files, in the official format. */

function lineId(batchId: string, line: number): string {
  return derivedId("batch_req_", 24, batchId, String(line));
}

function requestId(batchId: string, line: number): string {
  return digest("request", batchId, String(line)).slice(0, 32);
}

/** A line of the output file: the request was answered with status 200. */
export function successLine(
  batchId: string,
  line: number,
  customId: string,
  result: ExecutionSuccess,
): string {
  return `${JSON.stringify({
    id: lineId(batchId, line),
    custom_id: customId,
    response: { status_code: 200, request_id: requestId(batchId, line), body: result.body },
    error: null,
  })}\n`;
}

/** A line of the error file: the endpoint refused the request (4xx with an error body). */
export function refusedLine(
  batchId: string,
  line: number,
  customId: string | null,
  result: ExecutionFailure,
): string {
  return `${JSON.stringify({
    id: lineId(batchId, line),
    custom_id: customId,
    response: {
      status_code: result.status,
      request_id: requestId(batchId, line),
      body: { error: result.error },
    },
    error: null,
  })}\n`;
}

/** A line of the error file: the request was never run (expired batch, unreadable line). */
export function notRunLine(
  batchId: string,
  line: number,
  customId: string | null,
  code: string,
  message: string,
): string {
  return `${JSON.stringify({ id: lineId(batchId, line), custom_id: customId, response: null, error: { code, message } })}\n`;
}

/** The error a `request_failure` fault rule gives a request: its status code, type and code. */
export function injectedFailure(failure: RequestFailure): ExecutionFailure {
  const type =
    failure.statusCode >= 500
      ? "server_error"
      : failure.statusCode === 429
        ? "requests"
        : "invalid_request_error";
  return {
    status: failure.statusCode,
    error: {
      message: `This request failed with status ${failure.statusCode} (${failure.errorCode}), injected by a request_failure fault rule.`,
      type,
      param: null,
      code: failure.errorCode,
    },
  };
}
