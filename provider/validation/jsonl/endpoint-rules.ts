import type { BatchEndpoint } from "../../contract";

/**
 * The body fields each endpoint requires, from the OpenAI OpenAPI spec (the JSON request bodies,
 * as the Batch API sends them). A field given as a list is satisfied by any one of its names.
 * `/v1/responses` requires nothing in the spec, but the API refuses a response without a model,
 * and without an `input` unless a reusable `prompt` supplies it.
 */
export const REQUIRED_BODY_FIELDS: Readonly<Record<BatchEndpoint, readonly (string | readonly string[])[]>> =
  {
    "/v1/responses": ["model", ["input", "prompt"]],
    "/v1/chat/completions": ["model", "messages"],
    "/v1/embeddings": ["model", "input"],
    "/v1/completions": ["model", "prompt"],
    "/v1/moderations": ["input"],
    "/v1/images/generations": ["prompt"],
    "/v1/images/edits": ["images", "prompt"],
    "/v1/videos": ["prompt"],
  };

/** The required fields of `endpoint` that `body` lacks (null counts as missing), in the table's order. */
export function missingBodyFields(endpoint: string, body: Readonly<Record<string, unknown>>): string[] {
  const required = (
    REQUIRED_BODY_FIELDS as Readonly<Record<string, readonly (string | readonly string[])[]>>
  )[endpoint];
  if (required === undefined) {
    return [];
  }
  const present = (name: string) => body[name] !== undefined && body[name] !== null;
  return required
    .filter((field) => (typeof field === "string" ? !present(field) : !field.some(present)))
    .map((field) => (typeof field === "string" ? field : field.join(" or ")));
}

export function endpointRequiresModel(endpoint: string): boolean {
  return missingBodyFields(endpoint, {}).includes("model");
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
