import type { EmulatorProfile } from "./profile";

/** The chat completions endpoint: the one Groq and Together batches run that the emulator answers. */
const CHAT = "/v1/chat/completions";
/** 50,000 requests a file (both backends' batch guides). */
const MOST_LINES = 50_000;
/** 100 MB a file (Groq's API reference, where its guide says 200 MB; Together's guide). */
const MOST_BYTES = 100 * 1024 * 1024;

/**
 * Groq's batch API (console.groq.com/docs/batch and its API reference's Files and Batches):
 * - served under `/openai/v1`, the key as a bearer token;
 * - OpenAI's files and batches calls and request lines; files of purpose `batch`;
 * - chat completions (the audio endpoints Groq also batches are not emulated);
 * - 50,000 lines and 100 MB a file;
 * - `metadata` is a documented parameter of the create and is kept; `output_expires_after` is not
 *   documented, so it is an unknown parameter here.
 */
export const GROQ_EMULATION: EmulatorProfile = {
  name: "groq",
  mounts: [{ prefix: "/openai/v1", apiVersion: false, bearerKey: true, apiKeyHeader: false }],
  createEndpoints: { [CHAT]: CHAT },
  lineUrls: { [CHAT]: [CHAT] },
  fileDecidesEndpoint: false,
  maxBatchLines: MOST_LINES,
  maxBatchFileBytes: MOST_BYTES,
  outputExpiry: undefined,
  uploadPurposes: ["batch"],
  batchFilePurpose: "batch",
  maxCustomIdLength: undefined,
  linesNeedMethodAndUrl: true,
  keepsMetadata: true,
  batchFilesExpireByDefault: true,
  fileBound: undefined,
  byteOrderMark: undefined,
  deployments: undefined,
  tokenLimitAtCreate: false,
  expiresAtWindowEnd: true,
};

/**
 * Together's batch API (docs.together.ai: the batch inference guide and the API reference's
 * files and batches):
 * - served under `/v1`, the key as a bearer token;
 * - input files of purpose `batch-api` (a file of purpose `batch` is refused);
 * - lines `{custom_id, body}`: `method` and `url` may be left out (when given, they are checked);
 *   `custom_id` of at most 64 characters;
 * - chat completions (the audio endpoints are not emulated); 50,000 requests and 100 MB a file;
 * - the batch object has no metadata: `metadata` on create is dropped;
 * - `output_expires_after` is not documented, so it is an unknown parameter here.
 */
export const TOGETHER_EMULATION: EmulatorProfile = {
  name: "together",
  mounts: [{ prefix: "/v1", apiVersion: false, bearerKey: true, apiKeyHeader: false }],
  createEndpoints: { [CHAT]: CHAT },
  lineUrls: { [CHAT]: [CHAT] },
  fileDecidesEndpoint: false,
  maxBatchLines: MOST_LINES,
  maxBatchFileBytes: MOST_BYTES,
  outputExpiry: undefined,
  uploadPurposes: ["batch-api", "fine-tune"],
  batchFilePurpose: "batch-api",
  maxCustomIdLength: 64,
  linesNeedMethodAndUrl: false,
  keepsMetadata: false,
  batchFilesExpireByDefault: true,
  fileBound: undefined,
  byteOrderMark: undefined,
  deployments: undefined,
  tokenLimitAtCreate: false,
  expiresAtWindowEnd: true,
};
