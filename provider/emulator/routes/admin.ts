import { ApiError } from "../api/api-error";
import { isEmulatorConfigError } from "../errors/config-error";
import { isEmulatorUsageError } from "../errors/usage-error";
import { readJsonBody } from "../http/json-body";
import { json } from "../http/reply";
import { LIMITS } from "../limits";
import { type Handler, param, type RouteTable } from "./context";

/** Turns the control errors into answers of the admin API, in the same error format as /v1. */
function admin(handler: Handler): Handler {
  return async (request, services) => {
    try {
      return await handler(request, services);
    } catch (error) {
      if (isEmulatorUsageError(error)) {
        const status = error.reason === "not_found" ? 404 : error.reason === "conflict" ? 409 : 400;
        throw new ApiError(status, error.message, { code: error.reason });
      }
      if (isEmulatorConfigError(error))
        throw new ApiError(400, error.message, { param: error.setting, code: "invalid_argument" });
      throw error;
    }
  };
}

async function body(request: Parameters<Handler>[0]): Promise<Record<string, unknown>> {
  const value = await readJsonBody(request.req, LIMITS.maxJsonBodyBytes);
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError(400, "Expected a JSON object body.", { code: "invalid_argument" });
  }
  return value as Record<string, unknown>;
}

const clock: Handler = async (_request, { control }) => json({ now: control.now() });

const advance: Handler = async (request, { control }) => {
  await control.advance((await body(request)).ms);
  return json({ now: control.now() });
};

const calls: Handler = async (_request, { control }) => json({ calls: control.calls() });

const clearCalls: Handler = async (_request, { control }) => {
  control.clearCalls();
  return json({ calls: [] });
};

const getFaults: Handler = async (_request, { control }) => json({ faults: control.getFaults() });

const putFaults: Handler = async (request, { control }) =>
  json({ faults: control.setFaults((await body(request)).faults) });

const setStatus: Handler = async (request, { control }) => {
  const input = await body(request);
  const stuck = input.stuck === undefined ? {} : { stuck: input.stuck as boolean };
  return json(await control.setBatchStatus(param(request, "id"), input.status, stuck));
};

const reset: Handler = async (_request, { control }) => {
  await control.reset();
  return json({ reset: true });
};

export const adminRoutes: RouteTable = [
  { method: "GET", pattern: "/_emulator/clock", handler: admin(clock) },
  { method: "POST", pattern: "/_emulator/clock/advance", handler: admin(advance) },
  { method: "GET", pattern: "/_emulator/calls", handler: admin(calls) },
  { method: "DELETE", pattern: "/_emulator/calls", handler: admin(clearCalls) },
  { method: "GET", pattern: "/_emulator/faults", handler: admin(getFaults) },
  { method: "PUT", pattern: "/_emulator/faults", handler: admin(putFaults) },
  { method: "POST", pattern: "/_emulator/batches/:id/status", handler: admin(setStatus) },
  { method: "POST", pattern: "/_emulator/reset", handler: admin(reset) },
];
