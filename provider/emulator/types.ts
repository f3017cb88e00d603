/** The public types of the emulator: its options, fault rules, recorded calls and handle. */

/** Emulator-time durations of the batch phases, in milliseconds. */
export interface EmulatorDurations {
  validatingMs: number;
  inProgressMs: number;
  finalizingMs: number;
  cancellingMs: number;
}

export interface EmulatorOptions {
  /** Port to listen on; default 0 (a random free port). Env: OPENAI_EMULATOR_PORT. */
  port?: number;
  /** Interface to bind; default "127.0.0.1". Env: OPENAI_EMULATOR_HOST. */
  host?: string;
  /** Key that requests must send as `Authorization: Bearer <key>`; default a random `sk-emulator-<hex>`. Env: OPENAI_EMULATOR_API_KEY. */
  apiKey?: string;
  /** Emulator time runs this many times faster than real time; default 1. Env: OPENAI_EMULATOR_TIME_SCALE. */
  timeScale?: number;
  /** Emulator-time durations of the batch phases. */
  durations?: Partial<EmulatorDurations>;
  /** When true, emulator time only moves through `advance()`; default false. */
  manualClock?: boolean;
  /** Faults to inject into /v1 calls. Env: OPENAI_EMULATOR_FAULTS (JSON array). */
  faults?: FaultRule[];
  /** Directory that keeps state and file contents across restarts. Env: OPENAI_EMULATOR_DATA_DIR. */
  dataDir?: string;
  /**
   * The organization's enqueued-token limit per model, e.g. `{ "gpt-4o-mini": 2_000_000 }`. The
   * input tokens of in-progress and finalizing batches count against it (a batch still validating
   * holds none yet); a batch that would go over it fails validation with `token_limit_exceeded`.
   * No limit by default. Env:
   * OPENAI_EMULATOR_ENQUEUED_TOKEN_LIMITS (`model=tokens,model=tokens`).
   */
  enqueuedTokenLimits?: Record<string, number>;
  /**
   * The order of the lines in a batch's output and error files. `"shuffled"` (the default): a
   * seeded order in which no line keeps its input position, as the real API promises no order.
   * `"input"`: the input's order, for tests that need it. Env: OPENAI_EMULATOR_OUTPUT_ORDER.
   */
  outputOrder?: OutputOrderName;
  /** Seed of the shuffled order (an integer from 0 to 4294967295); default 1. Env: OPENAI_EMULATOR_OUTPUT_ORDER_SEED. */
  outputOrderSeed?: number;
  /**
   * The backend emulated: `"openai"` (the default), `"azure"` (Azure OpenAI's v1 and api-version
   * paths, its `api-key` header, deployments and limits), `"groq"` or `"together"` (their base
   * paths, file purposes, line rules and limits). See the README's Profiles. Env: OPENAI_EMULATOR_PROFILE.
   */
  profile?: "openai" | "azure" | "groq" | "together";
  /**
   * Azure: the deployments the emulator knows, each with the model it runs, e.g.
   * `{ "batch-4o-mini": "gpt-4o-mini" }`; default one per model, named after it. Env:
   * OPENAI_EMULATOR_DEPLOYMENTS (`name=model,name=model`).
   */
  deployments?: Record<string, string>;
  /**
   * Azure: refuse a batch that does not fit in its deployment's `enqueuedTokenLimits` when it is
   * created (HTTP 400 `token_limit_exceeded`), as Azure's fail-fast regions do, rather than fail it
   * at validation; default false. Env: OPENAI_EMULATOR_TOKEN_LIMIT_AT_CREATE (`true` or `1`).
   */
  tokenLimitAtCreate?: boolean;
  /** Azure: a Microsoft Entra ID token taken as `Authorization: Bearer <token>`; none by default. */
  entraToken?: string;
  /** Receives one line per request; off by default. Never receives the Authorization header. */
  log?: (line: string) => void;
}

/** The orders the emulator can write output and error lines in. */
export type OutputOrderName = "shuffled" | "input";

export type FaultKind =
  | "rate_limit"
  | "server_error"
  | "server_error_after"
  | "drop_connection"
  | "latency"
  | "request_failure"
  | "cut_download"
  | "ignore_range";

export interface FaultRule {
  /** HTTP method, e.g. "POST"; absent = any. */
  method?: string;
  /** Path such as "/v1/batches/*\/cancel"; `*` matches one segment; absent = any /v1 path. */
  path?: string;
  kind: FaultKind;
  /** Probability 0..1 per matching call, drawn from a PRNG seeded by `seed`. */
  rate?: number;
  /** Or: only the next N matching calls. */
  count?: number;
  /** Seed of the rule's PRNG (used with `rate`); default 1. */
  seed?: number;
  /** For "latency": real milliseconds to wait before answering. */
  latencyMs?: number;
  /** For "rate_limit": sent as `retry-after` and `retry-after-ms`; default 1. */
  retryAfterSeconds?: number;
  /**
   * For "request_failure": the status code the failed request answers in the batch's error file;
   * default 500. A `request_failure` rule fails requests inside batches, not /v1 calls: its
   * `path` matches the request line's `url` (such as "/v1/chat/completions"), and `rate` draws
   * per request from the rule's seeded PRNG, in the order the emulator runs requests.
   */
  statusCode?: number;
  /** For "request_failure": the error `code` of the failed request; default "server_error". */
  errorCode?: string;
  /**
   * For "cut_download": how many bytes of the file's content are sent before the connection is
   * closed; default 0 (the status and headers only).
   */
  afterBytes?: number;
}

export interface RecordedCall {
  method: string;
  /** The API's path without the query string, e.g. "/v1/batches" (under any profile's prefix). */
  path: string;
  /** The path as requested, with its query, when it differs from `path`, e.g. "/openai/batches?api-version=2024-10-21". */
  url?: string;
  /** Status sent; 0 when no answer was sent (dropped connection, client gone). */
  status: number;
  /** Emulator time of arrival, unix ms. */
  at: number;
  /** The fault applied, if any. */
  fault?: FaultKind;
}

export interface SetBatchStatusOptions {
  /** Keep the batch in that status (until its 24h window ends). */
  stuck?: boolean;
}

export interface Emulator {
  /**
   * Base URL of the API, e.g. "http://127.0.0.1:43123/v1": the SDK's baseURL. Under the Azure
   * profile, the v1 API's ("…/openai/v1"); under Groq's, "…/openai/v1".
   */
  url: string;
  /** The backend emulated. */
  profile: "openai" | "azure" | "groq" | "together";
  /** "http://127.0.0.1:43123" */
  origin: string;
  apiKey: string;
  port: number;
  /** Emulator time, unix ms. */
  now(): number;
  /** Moves the emulator clock forward and processes every transition that fell due. */
  advance(ms: number): Promise<void>;
  setFaults(rules: FaultRule[]): void;
  /** Forces a batch into a status; `stuck` keeps it there (until its window ends). */
  setBatchStatus(id: string, status: string, opts?: SetBatchStatusOptions): Promise<void>;
  /**
   * How many token counts the emulator is waiting for now. It counts in a thread of its own, so it
   * answers calls meanwhile; a call answered while this is above 0 was answered during a count.
   */
  countingNow(): number;
  /** Every /v1 call received, in order of arrival (admin calls are not recorded). */
  calls(): RecordedCall[];
  clearCalls(): void;
  /** Forgets every file, batch, upload, fault and recorded call (keeps the key and the clock). */
  reset(): Promise<void>;
  close(): Promise<void>;
}
