import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiError, isApiError } from "./api/api-error";
import { adminForbidden, missingApiVersion, rateLimited, serverError } from "./api/errors";
import type { CallLog } from "./call-log";
import type { FaultDecision, FaultInjector } from "./faults/injector";
import { checkKey } from "./http/auth";
import { isClientGoneError } from "./http/consume-body";
import { crossSiteRefusal } from "./http/cross-site";
import { json, type Reply, sendCutReply, sendReply } from "./http/reply";
import { matchRoute } from "./http/router";
import { newId } from "./ids";
import { type ApiMount, type EmulatorProfile, routeThrough } from "./profiles";
import { adminRoutes } from "./routes/admin";
import { batchRoutes } from "./routes/batches";
import type { RouteTable, Services } from "./routes/context";
import { fileRoutes } from "./routes/files";
import { uploadRoutes } from "./routes/uploads";

const API_ROUTES: RouteTable = [...fileRoutes, ...batchRoutes, ...uploadRoutes];

export interface ServerDeps {
  services: Services;
  faults: FaultInjector;
  callLog: CallLog;
  log: ((line: string) => void) | undefined;
  /** The backend emulated: where the API is served and how a call proves its key. */
  profile: EmulatorProfile;
  /** Azure: a Microsoft Entra ID token taken as a bearer token. */
  entraToken: string | undefined;
}

/**
 * The HTTP server. API calls (under /v1, or under the profile's mounts) are recorded, may meet an injected fault, must carry the bearer key,
 * and are routed to the API handlers; /_emulator calls (loopback clients only) go to the admin
 * API, are not recorded and never meet a fault. Every error is answered in the OpenAI format.
 */
export function createEmulatorServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      deps.log?.(`emulator: unexpected failure: ${(error as Error).stack ?? String(error)}`);
      res.destroy();
    });
  });
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = (req.method ?? "GET").toUpperCase();
  const rawPath = pathOf(req.url);
  const headers: Record<string, string> = { "x-request-id": newId.requestId() };
  const isAdmin = rawPath === "/_emulator" || rawPath.startsWith("/_emulator/");
  const routed = isAdmin ? undefined : mountOf(deps.profile, rawPath);
  const isApi = routed !== undefined;
  const path = routed?.path ?? rawPath;
  const entry = isApi
    ? deps.callLog.arrive(method, path, req.url ?? path, deps.services.clock.now())
    : undefined;
  const decision: FaultDecision = isApi ? deps.faults.decide(method, path) : { latencyMs: 0 };
  // The fault is known now; the status only once the answer is sent.
  if (entry !== undefined && decision.recorded !== undefined)
    deps.callLog.answer(entry, 0, decision.recorded);
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);

  if (decision.failure?.kind === "drop_connection") {
    req.socket.destroy();
    if (entry !== undefined) deps.callLog.answer(entry, 0, decision.recorded);
    deps.log?.(`${method} ${path} -> dropped [fault: drop_connection]`);
    return;
  }

  if (decision.ignoreRange) delete req.headers.range;
  let reply: Reply;
  if (decision.failure?.kind === "rate_limit") {
    reply = errorReply(rateLimited(decision.failure.retryAfterSeconds));
  } else if (decision.failure?.kind === "server_error") {
    reply = errorReply(serverError());
  } else {
    reply = isAdmin
      ? await runAdmin(deps, req, method, path)
      : await runApi(deps, req, method, path, routed?.mount);
    if (decision.failure?.kind === "server_error_after") reply = errorReply(serverError());
  }

  const cut = reply.kind === "stream" ? decision.cutAfterBytes : undefined;
  if (!req.socket.destroyed) {
    headers["openai-processing-ms"] = String(Math.round(performance.now() - started));
    if (cut === undefined) await sendReply(res, reply, headers);
    else await sendCutReply(res, reply, headers, cut);
  }
  const status = cut === undefined && req.socket.destroyed && !res.writableFinished ? 0 : reply.status;
  if (entry !== undefined) deps.callLog.answer(entry, status, decision.recorded);
  deps.log?.(
    `${method} ${path} -> ${status} (${Math.round(performance.now() - started)} ms)${decision.recorded ? ` [fault: ${decision.recorded}]` : ""}`,
  );
}

async function runApi(
  deps: ServerDeps,
  req: IncomingMessage,
  method: string,
  path: string,
  mount: ApiMount | undefined,
): Promise<Reply> {
  // A path under no mount of the profile (such as /v1 under Azure's) is not served.
  if (mount === undefined) return run(deps, req, method, path, []);
  const authError = checkKey(req.headers, deps.services.store.apiKey, {
    ...mount,
    entraToken: deps.entraToken,
  });
  if (authError !== undefined) return errorReply(authError);
  const query = new URL(req.url ?? "/", "http://emulator.invalid").searchParams;
  if (mount.apiVersion && !query.get("api-version")) return errorReply(missingApiVersion());
  return run(deps, req, method, path, API_ROUTES);
}

/** The mount a path falls under (the first that matches), with the API path it routes to. */
function mountOf(profile: EmulatorProfile, path: string): { mount: ApiMount; path: string } | undefined {
  for (const mount of profile.mounts) {
    const routed = routeThrough(mount, path);
    if (routed !== undefined) return { mount, path: routed };
  }
  return undefined;
}

async function runAdmin(
  deps: ServerDeps,
  req: IncomingMessage,
  method: string,
  path: string,
): Promise<Reply> {
  if (!isLoopback(req.socket.remoteAddress)) return errorReply(adminForbidden());
  const crossSite = crossSiteRefusal(method, req.headers);
  if (crossSite !== undefined) return errorReply(crossSite);
  return run(deps, req, method, path, adminRoutes);
}

async function run(
  deps: ServerDeps,
  req: IncomingMessage,
  method: string,
  path: string,
  routes: RouteTable,
): Promise<Reply> {
  try {
    const { handler, params } = matchRoute(routes, method, path);
    const query = new URL(req.url ?? "/", "http://emulator.invalid").searchParams;
    return await handler({ req, params, query }, deps.services);
  } catch (error) {
    if (isApiError(error)) return errorReply(error);
    if (isClientGoneError(error)) return errorReply(new ApiError(400, error.message));
    deps.log?.(`emulator: ${method} ${path} failed: ${(error as Error).stack ?? String(error)}`);
    return errorReply(
      new ApiError(500, `The emulator failed while processing your request: ${(error as Error).message}`, {
        type: "server_error",
      }),
    );
  }
}

function errorReply(error: ApiError): Reply {
  return json(error.body(), error.status, { ...error.headers });
}

function pathOf(url: string | undefined): string {
  const raw = (url ?? "/").split("?")[0] ?? "/";
  return raw.length > 1 && raw.endsWith("/") ? raw.slice(0, -1) : raw;
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
