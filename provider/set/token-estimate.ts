import { isCountedEndpoint } from "../cost/request-tokens";
import { countRequestLine } from "../cost/tally";

/**
 * The estimated input tokens of one request line, as the enqueued-token limit counts them. For the
 * endpoints whose tokens are counted (chat completions, responses, completions, embeddings) it is
 * the count of the cost estimate, with each model's encoding. For the others it is the line's
 * length in UTF-8 bytes: no token is shorter than a byte, so it never counts too few.
 */
export function lineTokenEstimator(endpoint: string): (line: string) => number {
  if (isCountedEndpoint(endpoint)) {
    // A line without a body to count is measured in bytes, which never counts too few.
    return (line) => countRequestLine(line, endpoint)?.input ?? Buffer.byteLength(line, "utf8");
  }
  return (line) => Buffer.byteLength(line, "utf8");
}
