import { digest } from "../ids";
import type { CountedRequest, ExecutionContext, ExecutionSuccess } from "./context";
import { seededUnits } from "./text";

/** Length of the emulated vectors unless the request asks for `dimensions`. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 16;

/**
 * An emulated /v1/embeddings answer: one unit-length vector per input, derived from the model and
 * the input text alone, so equal inputs always get equal vectors.
 */
export function embeddings(
  _ctx: ExecutionContext,
  body: Record<string, unknown>,
  counted: CountedRequest,
): ExecutionSuccess {
  const model = String(body.model);
  const inputs = splitInputs(body.input);
  const dimensions =
    typeof body.dimensions === "number" && Number.isInteger(body.dimensions) && body.dimensions > 0
      ? Math.min(body.dimensions, 3072)
      : DEFAULT_EMBEDDING_DIMENSIONS;
  const base64 = body.encoding_format === "base64";
  const promptTokens = counted.input;
  return {
    body: {
      object: "list",
      data: inputs.map((input, index) => {
        const vector = embeddingVector(model, JSON.stringify(input), dimensions);
        return { object: "embedding", index, embedding: base64 ? toBase64(vector) : vector };
      }),
      model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    usage: { input: promptTokens, output: 0 },
  };
}

/** A deterministic unit vector for a text. */
export function embeddingVector(model: string, text: string, dimensions: number): number[] {
  const raw = seededUnits(digest("embedding", model, text), dimensions).map((unit) => unit * 2 - 1);
  const norm = Math.sqrt(raw.reduce((sum, x) => sum + x * x, 0)) || 1;
  return raw.map((x) => Math.round((x / norm) * 1e8) / 1e8);
}

function splitInputs(input: unknown): unknown[] {
  if (!Array.isArray(input)) return [input];
  if (input.length > 0 && typeof input[0] === "number") return [input];
  return input;
}

function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}
