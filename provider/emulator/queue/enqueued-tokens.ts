import type { BatchRecord } from "../store/records";
import type { UsageCounter } from "../tokens/usage-counter";
import { readLines } from "../validation/line-reader";

/**
 * The statuses whose batches hold tokens in the organization's queue. A batch takes its place when
 * its validation passes (the API refuses it from `validating` when it does not fit, and its
 * message speaks of `in_progress` batches), so one still validating holds none: counting it would
 * refuse an earlier batch for a later one.
 */
const ENQUEUED_STATUSES = new Set(["in_progress", "finalizing"]);

/** The error code and message the API fails a batch with when the queue has no room for it. */
export const TOKEN_LIMIT_EXCEEDED = "token_limit_exceeded";

export function tokenLimitMessage(model: string, limit: number): string {
  return `Enqueued token limit reached for ${model} in organization org-emulator. Limit: ${limit.toLocaleString("en-US")} enqueued tokens. Please try again once some in_progress batches have been completed.`;
}

/**
 * The input tokens of a batch's file, as the queue counts them: the emulator's count of each
 * request's input for the endpoints counted in tokens, and the bytes of each line for the others.
 */
export async function inputTokensOf(path: string, endpoint: string, tokens: UsageCounter): Promise<number> {
  return tokens.linesInputTokens(textsOf(readLines(path)), endpoint);
}

async function* textsOf(lines: AsyncIterable<{ text: string }>): AsyncIterable<string> {
  for await (const line of lines) yield line.text;
}

/**
 * The tokens that the other batches of a model hold in the queue now. A batch forced into a
 * status without validation has its tokens counted here, once.
 */
export async function enqueuedTokens(
  batches: Iterable<BatchRecord>,
  model: string,
  except: string,
  tokens: UsageCounter,
  pathOf: (fileId: string) => string,
): Promise<number> {
  let total = 0;
  for (const batch of batches) {
    if (batch.id === except || batch.model !== model || !ENQUEUED_STATUSES.has(batch.status)) continue;
    batch.enqueuedTokens ??= await inputTokensOf(pathOf(batch.inputFileId), batch.endpoint, tokens).catch(
      () => 0,
    );
    total += batch.enqueuedTokens;
  }
  return total;
}
