import { UPLOAD_PURPOSES } from "../limits";
import type { EmulatorProfile } from "./profile";

/** The message Azure answers a file that starts with a UTF-8 byte-order mark with (Microsoft Learn, known issues). */
export const AZURE_BOM_MESSAGE =
  "Validation failed: A valid model deployment name couldn't be extracted from the input file. Please ensure that each row in the input file has a valid deployment name specified in the 'model' field, and that the deployment name is consistent across all rows.";

/** The deployments an Azure emulator knows when none are given: each named after its model. */
export const DEFAULT_DEPLOYMENTS: Readonly<Record<string, string>> = {
  "gpt-4o-mini": "gpt-4o-mini",
  "gpt-4o": "gpt-4o",
  "gpt-4.1-mini": "gpt-4.1-mini",
  "gpt-4.1": "gpt-4.1",
};

const CHAT = ["/chat/completions", "/v1/chat/completions"];
const RESPONSES = ["/responses", "/v1/responses"];

/**
 * Azure OpenAI's Global Batch, from Microsoft Learn ("Getting started with Azure OpenAI batch
 * deployments", its REST and Python examples, and the global-batch limits):
 * - the v1 API under `/openai/v1` (the key in `api-key` or as a bearer token) and the older API
 *   under `/openai` with `?api-version=` (the key in `api-key`); an Entra ID token as a bearer
 *   token on both;
 * - `endpoint` is required but the file decides between chat completions and responses; lines
 *   carry `/chat/completions` or `/v1/chat/completions` (or the responses forms);
 * - `model` names a deployment (`model_not_found` otherwise), the same on every line;
 *   embeddings are not supported;
 * - 100,000 requests and 200 MB a file; `output_expires_after` of 1,209,600 to 2,592,000 seconds;
 * - jobs are not expired past 24 hours;
 * - a resource keeps at most 500 batch files (input and output) without an expiry, 10,000 when
 *   they carry `expires_after`; batch input files get no expiry of their own ("Not set");
 * - a file with a UTF-8 byte-order mark fails with a misleading message about the deployment;
 * - in the regions with fail fast (`tokenLimitAtCreate`), a batch over the deployment's
 *   enqueued-token quota is refused at create with HTTP 400 `token_limit_exceeded` (Microsoft's
 *   "Queueing batch jobs" sample catches it as a `BadRequestError` from `batches.create`);
 *   elsewhere it fails at validation.
 */
export function azureEmulation(
  deployments: Readonly<Record<string, string>>,
  tokenLimitAtCreate = false,
): EmulatorProfile {
  return {
    name: "azure",
    mounts: [
      { prefix: "/openai/v1", apiVersion: false, bearerKey: true, apiKeyHeader: true },
      { prefix: "/openai", apiVersion: true, bearerKey: false, apiKeyHeader: true },
    ],
    createEndpoints: {
      "/chat/completions": "/v1/chat/completions",
      "/v1/chat/completions": "/v1/chat/completions",
      "/responses": "/v1/responses",
      "/v1/responses": "/v1/responses",
    },
    lineUrls: { "/v1/chat/completions": CHAT, "/v1/responses": RESPONSES },
    fileDecidesEndpoint: true,
    maxBatchLines: 100_000,
    maxBatchFileBytes: 200 * 1024 * 1024,
    outputExpiry: { min: 1_209_600, max: 2_592_000 },
    uploadPurposes: UPLOAD_PURPOSES,
    batchFilePurpose: "batch",
    maxCustomIdLength: undefined,
    linesNeedMethodAndUrl: true,
    keepsMetadata: true,
    batchFilesExpireByDefault: false,
    fileBound: { withoutExpiry: 500, withExpiry: 10_000 },
    byteOrderMark: { code: "invalid_request", message: AZURE_BOM_MESSAGE },
    deployments: new Map(Object.entries(deployments)),
    tokenLimitAtCreate,
    expiresAtWindowEnd: false,
  };
}
