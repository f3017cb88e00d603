import { normalizeBatchAnswer } from "../backends";

const BATCH = /\/batches\/[^/]+(\/cancel)?$/;
const BATCH_LIST = /\/batches$/;

/**
 * An answer to a batches call, its batch object (or list of them) put in OpenAI's shape, from the
 * shapes other backends send (see backends/batch-shape.ts). `response` has been read whole
 * (bounded-answer.ts); other answers, and error answers, are returned as they are.
 */
export async function reshapedBatchAnswer(response: Response, path: string): Promise<Response> {
  if (!response.ok || !(BATCH.test(path) || BATCH_LIST.test(path)) || response.body === null) return response;
  const text = await response.text();
  let reshaped = text;
  try {
    const value: unknown = JSON.parse(text);
    reshaped = JSON.stringify(normalizeBatchAnswer(value));
  } catch {
    // Not JSON: the SDK reports it as the server sent it.
  }
  return new Response(reshaped, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
