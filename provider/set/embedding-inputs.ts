import { countEmbeddingInputs } from "../validation/jsonl/endpoint-rules";

/**
 * The embedding inputs of one `/v1/embeddings` request line, counted as the API counts them
 * against a batch's 50,000; 0 for a line that is not a JSON request (its batch's check says why).
 */
export function lineEmbeddingInputs(line: string): number {
  try {
    const request = JSON.parse(line) as { body?: { input?: unknown } } | null;
    return countEmbeddingInputs(request?.body?.input);
  } catch {
    return 0;
  }
}
