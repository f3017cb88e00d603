import { BATCH_ENDPOINTS, LIMITS } from "../contract";
import { type BackendProfile, ownUrls } from "./profile";

/**
 * The OpenAI Batch API (api.openai.com): the endpoints and limits of the OpenAPI spec and the
 * Batch guide (50,000 requests and 200 MB a file, 50,000 embedding inputs, output expiry of one
 * hour to 30 days), metadata on every batch, batches expired at the end of their 24-hour window.
 */
export function openAiProfile(models: Readonly<Record<string, string>> = {}): BackendProfile {
  return {
    kind: "openai",
    name: "OpenAI",
    endpoints: ownUrls(BATCH_ENDPOINTS),
    sentEndpoints: {},
    limits: {
      maxRequests: LIMITS.maxLines,
      maxFileBytes: LIMITS.maxFileBytes,
      maxEmbeddingInputs: LIMITS.maxEmbeddingInputs,
    },
    outputExpiry: { min: LIMITS.minOutputExpirySeconds, max: LIMITS.maxOutputExpirySeconds },
    filePurpose: "batch",
    maxCustomIdLength: undefined,
    linesNeedMethodAndUrl: true,
    createToken: "metadata",
    expiresAtWindowEnd: true,
    fileBound: undefined,
    byteOrderMarkNote: undefined,
    prices: "openai",
    models,
  };
}

/** The profile when no setting says otherwise. */
export const OPENAI_PROFILE: BackendProfile = openAiProfile();
