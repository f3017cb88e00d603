/**
 * What the provider needs to know of one batch backend, as plain data: the endpoints a batch may
 * name and the urls its lines may carry, the limits of one input file, the expiry range, the file
 * purpose, the custom_id length, how a batch carries the create token, and how prices are found.
 * The profile is chosen once from the settings (`select.ts`); the connection (URLs and headers) is
 * worked out apart from it (`connection.ts`). Where each value comes from: docs/backends.md.
 */

export type BackendKind = "openai" | "azure" | "compatible";

/** A range of seconds, both ends included. */
export interface SecondsRange {
  min: number;
  max: number;
}

export interface BackendLimits {
  /** Most request lines in one input file. */
  maxRequests: number;
  /** Most bytes in one input file. */
  maxFileBytes: number;
  /** Most embedding inputs in one `/v1/embeddings` batch. */
  maxEmbeddingInputs: number;
}

/** Where the prices of a backend's models come from. */
export type PriceSource = "openai" | "azure";

export interface BackendProfile {
  kind: BackendKind;
  /** How messages name the backend: `OpenAI`, `Azure`, `Groq`, `Together`, `the compatible API`. */
  name: string;
  /**
   * The endpoints a batch may name, each with the urls its request lines may carry (every line
   * the same url). OpenAI: each endpoint's own url; Azure: `/chat/completions` or
   * `/v1/chat/completions` alike.
   */
  endpoints: Readonly<Record<string, readonly string[]>>;
  /** The endpoint sent to the API when the batch is created, when it differs from the one given. */
  sentEndpoints: Readonly<Record<string, string>>;
  limits: BackendLimits;
  /** The range of `output_expires_after.seconds`; undefined where the backend does not document it. */
  outputExpiry: SecondsRange | undefined;
  /** The purpose an input file is uploaded with (and the files are listed by). */
  filePurpose: string;
  /** Most characters in a custom_id; undefined when the backend sets no bound of its own. */
  maxCustomIdLength: number | undefined;
  /** False where a line needs only custom_id and body (method and url may be left out). */
  linesNeedMethodAndUrl: boolean;
  /**
   * How a batch carries the create token that keeps a retried create from making a second batch:
   * in its metadata, or, where the backend keeps no batch metadata, in the name of the input file
   * it reads (every upload is named after the create token).
   */
  createToken: "metadata" | "input-file";
  /** False where a batch that outlives its completion window is not expired (Azure). */
  expiresAtWindowEnd: boolean;
  /**
   * The most batch files one account keeps (Azure: 500 without an expiry, 10,000 when they carry
   * `expires_after`, output files included); undefined where none is documented.
   */
  fileBound: { withoutExpiry: number; withExpiry: number } | undefined;
  /** A sentence added to the byte-order-mark problem: how this backend answers such a file. */
  byteOrderMarkNote: string | undefined;
  /** The price table of the backend's models; undefined where the package ships none. */
  prices: PriceSource | undefined;
  /** Deployment (or other) names in request lines, mapped to the model they run. */
  models: Readonly<Record<string, string>>;
}

/** The `/v1/...` form of an endpoint, as the OpenAI API names it (`/chat/completions` → `/v1/chat/completions`). */
export function canonicalEndpoint(endpoint: string): string {
  return endpoint.startsWith("/v1/") ? endpoint : `/v1${endpoint.startsWith("/") ? "" : "/"}${endpoint}`;
}

/** The urls a line of a batch with `endpoint` may carry; undefined when the backend does not run it. */
export function lineUrlsOf(profile: BackendProfile, endpoint: string): readonly string[] | undefined {
  return Object.hasOwn(profile.endpoints, endpoint) ? profile.endpoints[endpoint] : undefined;
}

/** The endpoint sent to the API for a batch that names `endpoint`. */
export function sentEndpointOf(profile: BackendProfile, endpoint: string): string {
  return Object.hasOwn(profile.sentEndpoints, endpoint)
    ? (profile.sentEndpoints[endpoint] ?? endpoint)
    : endpoint;
}

/** The model a name in the request lines runs: its entry in `models`, or the name itself. */
export function modelOfName(profile: BackendProfile, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  return Object.hasOwn(profile.models, name) ? profile.models[name] : name;
}

/** The endpoints of a profile, as a list for messages. */
export function endpointNames(profile: BackendProfile): string[] {
  return Object.keys(profile.endpoints);
}

/** Each endpoint given its own url only: the OpenAI form. */
export function ownUrls(endpoints: readonly string[]): Record<string, readonly string[]> {
  return Object.fromEntries(endpoints.map((endpoint) => [endpoint, [endpoint]]));
}
