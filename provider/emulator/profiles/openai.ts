import { BATCH_ENDPOINTS, LIMITS, UPLOAD_PURPOSES } from "../limits";
import type { EmulatorProfile } from "./profile";

/** OpenAI's Batch API, as the OpenAPI spec and the Batch guide describe it. */
export const OPENAI_EMULATION: EmulatorProfile = {
  name: "openai",
  mounts: [{ prefix: "/v1", apiVersion: false, bearerKey: true, apiKeyHeader: false }],
  createEndpoints: Object.fromEntries(BATCH_ENDPOINTS.map((endpoint) => [endpoint, endpoint])),
  lineUrls: Object.fromEntries(BATCH_ENDPOINTS.map((endpoint) => [endpoint, [endpoint]])),
  fileDecidesEndpoint: false,
  maxBatchLines: LIMITS.maxBatchLines,
  maxBatchFileBytes: LIMITS.maxBatchFileBytes,
  outputExpiry: { min: LIMITS.minExpirySeconds, max: LIMITS.maxExpirySeconds },
  uploadPurposes: UPLOAD_PURPOSES,
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
