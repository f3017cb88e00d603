import { LIMITS } from "../contract";
import type { BackendProfile } from "./profile";

/**
 * Azure OpenAI Global Batch and Data Zone Batch deployments, from Microsoft Learn ("Getting
 * started with Azure OpenAI batch deployments" and its global-batch limits include):
 * - 100,000 requests and 200 MB a file; embeddings are not supported in batches;
 * - `output_expires_after` (and the input's `expires_after`) of 1,209,600 to 2,592,000 seconds;
 * - lines carry `/chat/completions` (older examples) or `/v1/chat/completions` (v1 examples), and
 *   `/v1/responses`; the batch's `endpoint` is `/chat/completions` in every example, "required,
 *   [but] the system will read your input file to determine if the chat completions or responses
 *   API is needed", so that is what is sent;
 * - `model` names a deployment, the same on every line (`models` maps it to its model);
 * - jobs are not expired when they run past 24 hours;
 * - a file that starts with a UTF-8 byte-order mark is refused with a misleading error;
 * - a resource keeps at most 500 batch files (output files count too), or 10,000 when they carry
 *   `expires_after`; the error of an upload over the bound is not documented.
 */
export const AZURE_LIMITS = {
  maxRequests: 100_000,
  maxFileBytes: LIMITS.maxFileBytes,
  minExpirySeconds: 1_209_600,
  maxExpirySeconds: 2_592_000,
} as const;

const CHAT = ["/chat/completions", "/v1/chat/completions"] as const;
const RESPONSES = ["/responses", "/v1/responses"] as const;

export function azureProfile(models: Readonly<Record<string, string>> = {}): BackendProfile {
  return {
    kind: "azure",
    name: "Azure",
    endpoints: {
      "/chat/completions": CHAT,
      "/v1/chat/completions": CHAT,
      "/responses": RESPONSES,
      "/v1/responses": RESPONSES,
    },
    sentEndpoints: {
      "/chat/completions": "/chat/completions",
      "/v1/chat/completions": "/chat/completions",
      "/responses": "/chat/completions",
      "/v1/responses": "/chat/completions",
    },
    limits: {
      maxRequests: AZURE_LIMITS.maxRequests,
      maxFileBytes: AZURE_LIMITS.maxFileBytes,
      maxEmbeddingInputs: 0,
    },
    outputExpiry: { min: AZURE_LIMITS.minExpirySeconds, max: AZURE_LIMITS.maxExpirySeconds },
    filePurpose: "batch",
    maxCustomIdLength: undefined,
    linesNeedMethodAndUrl: true,
    createToken: "metadata",
    expiresAtWindowEnd: false,
    fileBound: { withoutExpiry: 500, withExpiry: 10_000 },
    byteOrderMarkNote:
      'Azure refuses such a file with "A valid model deployment name couldn\'t be extracted from the input file"',
    prices: "azure",
    models,
  };
}

/** Hosts of Azure OpenAI resources: `<resource>.openai.azure.com`, `<resource>.cognitiveservices.azure.com`. */
export function isAzureHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host.endsWith(".openai.azure.com") || host.endsWith(".cognitiveservices.azure.com");
}
