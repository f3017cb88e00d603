import type { BatchEndpoint } from "../../contract";

/** Endpoints whose request bodies must name a model; the others fall back to the API's default. */
const MODEL_REQUIRED: ReadonlySet<string> = new Set<BatchEndpoint>([
  "/v1/responses",
  "/v1/chat/completions",
  "/v1/embeddings",
  "/v1/completions",
]);

export function endpointRequiresModel(endpoint: string): boolean {
  return MODEL_REQUIRED.has(endpoint);
}

/**
 * How many inputs an embeddings request carries: a string or a token array is one input, an array
 * of strings or of token arrays is one per element.
 */
export function countEmbeddingInputs(input: unknown): number {
  if (!Array.isArray(input)) {
    return input === undefined ? 0 : 1;
  }
  if (input.length > 0 && input.every((item) => typeof item === "number")) {
    return 1;
  }
  return input.length;
}
