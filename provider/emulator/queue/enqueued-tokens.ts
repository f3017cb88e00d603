import type { ProfileName } from "../profiles";
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

/**
 * What the API says when the queue has no room: OpenAI names the model and the organization's
 * limit; Azure names the deployment and its limit in thousands or millions ("30K"), as the error
 * bodies Azure users report show it.
 */
export function tokenLimitMessage(model: string, limit: number, profile: ProfileName = "openai"): string {
  if (profile === "azure") {
    return `The number of enqueued tokens has surpassed the configured limit of ${abbreviated(limit)} for the deployment '${model}'. Please either increase the limit or try again once the current jobs have finished.`;
  }
  return `Enqueued token limit reached for ${model} in organization org-emulator. Limit: ${limit.toLocaleString("en-US")} enqueued tokens. Please try again once some in_progress batches have been completed.`;
}

/** 30000 → "30K", 2000000 → "2M"; a count that is not a whole number of either stays as it is. */
function abbreviated(count: number): string {
  if (count >= 1_000_000 && count % 1_000_000 === 0) return `${count / 1_000_000}M`;
  if (count >= 1_000 && count % 1_000 === 0) return `${count / 1_000}K`;
  return String(count);
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

/**
 * Where the queue is checked when a batch is created (Azure's fail-fast regions): the error
 * message that refuses a batch on `path` whose input tokens do not fit beside those its model's
 * (deployment's) batches hold, or undefined when they fit or the model has no limit.
 */
export async function queueFullAtCreate(
  path: string,
  endpoint: string,
  batches: Iterable<BatchRecord>,
  limits: ReadonlyMap<string, number>,
  tokens: UsageCounter,
  pathOf: (fileId: string) => string,
  profile: ProfileName,
): Promise<string | undefined> {
  const model = await modelOf(path);
  const limit = model === undefined ? undefined : limits.get(model);
  if (model === undefined || limit === undefined) return undefined;
  const own = await inputTokensOf(path, endpoint, tokens);
  const others = await enqueuedTokens(batches, model, "", tokens, pathOf);
  return others + own > limit ? tokenLimitMessage(model, limit, profile) : undefined;
}

/** The model the first line that names one names; undefined when none does, or the file is not JSON lines. */
async function modelOf(path: string): Promise<string | undefined> {
  for await (const line of readLines(path)) {
    try {
      const model = (JSON.parse(line.text.replace(/^\uFEFF/, "")) as { body?: { model?: unknown } }).body
        ?.model;
      if (typeof model === "string") return model;
    } catch {
      // Not JSON: validation will say so.
    }
  }
  return undefined;
}
