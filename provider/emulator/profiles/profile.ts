/**
 * What sets one emulated backend apart from OpenAI's Batch API: where the API is served and how a
 * call proves its key, which endpoints a batch takes and which urls its lines may carry, the
 * limits of an input file, the expiry ranges, the model names (Azure's deployments), what a file
 * with a byte-order mark meets, and whether batches expire at the end of their window. Written
 * from the backends' own documentation, apart from the provider's view of them, so that each
 * checks the other. The differences are listed in the emulator's README.
 */

import type { FileBound } from "../api/file-bound";

export type ProfileName = "openai" | "azure" | "groq" | "together";
export const PROFILE_NAMES: readonly ProfileName[] = ["openai", "azure", "groq", "together"];

/** One path the API is served under, and how a call there proves its key. */
export interface ApiMount {
  /** The path the API's own paths (`/files`, `/batches`, ...) follow, e.g. `/v1` or `/openai/v1`. */
  prefix: string;
  /** The query parameter `api-version` must be present (Azure's older API). */
  apiVersion: boolean;
  /** The key may be sent as `Authorization: Bearer <key>`. */
  bearerKey: boolean;
  /** The key may be sent in an `api-key` header. */
  apiKeyHeader: boolean;
}

export interface ExpiryRange {
  min: number;
  max: number;
}

export interface EmulatorProfile {
  name: ProfileName;
  /** The mounts; the first is the base URL the emulator prints. */
  mounts: readonly ApiMount[];
  /** The values a batch's `endpoint` may take, each with the endpoint it runs (`/chat/completions` → `/v1/chat/completions`). */
  createEndpoints: Readonly<Record<string, string>>;
  /** The urls request lines may carry, by the endpoint a batch runs (every line the same url). */
  lineUrls: Readonly<Record<string, readonly string[]>>;
  /** Whether the file's first url, not the `endpoint`, decides the endpoint a batch runs (Azure). */
  fileDecidesEndpoint: boolean;
  maxBatchLines: number;
  maxBatchFileBytes: number;
  /** The range of a batch's `output_expires_after.seconds`; undefined where the parameter is not taken (an unknown parameter). */
  outputExpiry: ExpiryRange | undefined;
  /** The purposes a file may be uploaded with. */
  uploadPurposes: readonly string[];
  /** The purpose a batch's input file must have (`batch`; Together: `batch-api`). */
  batchFilePurpose: string;
  /** Most characters in a `custom_id`; undefined: no bound of its own. */
  maxCustomIdLength: number | undefined;
  /** False where a line may carry only `custom_id` and `body` (Together): `method` and `url` may be left out. */
  linesNeedMethodAndUrl: boolean;
  /** False where a batch keeps no metadata (Together): `metadata` on create is dropped, and batches carry none. */
  keepsMetadata: boolean;
  /** False where a batch input file without `expires_after` is kept until deleted (Azure); OpenAI's expire after 30 days. */
  batchFilesExpireByDefault: boolean;
  /** The most batch files a resource keeps (Azure: 500 without an expiry, 10,000 in all); undefined: no bound. */
  fileBound: FileBound | undefined;
  /** A file that starts with a byte-order mark fails validation with this error; undefined: it is read. */
  byteOrderMark: { code: string; message: string } | undefined;
  /** Deployment names and the model each runs; undefined where `model` names a model. */
  deployments: ReadonlyMap<string, string> | undefined;
  /**
   * True where a batch that does not fit in its model's enqueued-token limit is refused when it is
   * created (HTTP 400 `token_limit_exceeded`), not failed at validation: Azure's fail-fast regions.
   */
  tokenLimitAtCreate: boolean;
  /** False where a batch that outlives its window is not expired (Azure). */
  expiresAtWindowEnd: boolean;
}

/** The API path of a mount's request (`/openai/v1/batches` → `/v1/batches`), or undefined when outside it. */
export function routeThrough(mount: ApiMount, path: string): string | undefined {
  if (path === mount.prefix) return "/v1";
  if (!path.startsWith(`${mount.prefix}/`)) return undefined;
  return `/v1${path.slice(mount.prefix.length)}`;
}
