import type { IncomingMessage } from "node:http";
import type { EmulatorClock } from "../clock";
import type { Control } from "../control";
import type { BatchEngine } from "../engine/batch-engine";
import type { Reply } from "../http/reply";
import type { Route } from "../http/router";
import type { EmulatorProfile } from "../profiles";
import type { Disk } from "../store/disk";
import type { Persister } from "../store/persister";
import type { Store } from "../store/store";

/** One request as a handler sees it. */
export interface RouteRequest {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** Everything the handlers work with. */
export interface Services {
  store: Store;
  disk: Disk;
  clock: EmulatorClock;
  engine: BatchEngine;
  persister: Persister;
  control: Control;
  /** The backend emulated: its endpoints, limits and expiry ranges. */
  profile: EmulatorProfile;
}

export type Handler = (request: RouteRequest, services: Services) => Promise<Reply>;
export type RouteTable = Route<Handler>[];

/** A path parameter the route pattern guarantees. */
export function param(request: RouteRequest, name: string): string {
  return request.params[name] ?? "";
}
