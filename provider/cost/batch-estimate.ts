import type { BatchCostEstimate, BatchRequestLine } from "../contract";
import type { InputProblem } from "../errors";
import { readCachedTally, writeCachedTally } from "./cache";
import { tallyFile } from "./count-file";
import { type CostEstimate, estimateCost } from "./estimate";
import { formatUsd } from "./format-usd";
import type { PriceOverrides } from "./prices";
import { addToTally, countRequestBody, emptyTally, type TokenTally } from "./tally";

/** What `check` knows of a batch's content once it is valid. */
export interface CostCheckInput {
  endpoint: string;
  content: { requests: readonly BatchRequestLine[] } | { path: string };
  /** sha256 of the bytes to upload: the cache key. */
  sha256: string;
  /** The cache folder; undefined for none. */
  cacheDir: string | undefined;
  maxCostUsd?: number | undefined;
  assumedOutputTokensPerRequest?: number | undefined;
  prices?: PriceOverrides | undefined;
}

export interface CostCheckOutcome {
  estimate: BatchCostEstimate;
  /** The guard's verdict: a failure for `maxCostUsd` when the batch may cost more, or cannot be bounded. */
  failures: InputProblem[];
  warnings: string[];
  /** True when the tokens were counted now, false when the tally came from the cache. */
  counted: boolean;
}

/**
 * The estimate of a batch at `check` time, and the `maxCostUsd` guard. The tally is cached by the
 * input's sha256, so an unchanged input is counted once.
 */
export async function checkCost(input: CostCheckInput): Promise<CostCheckOutcome> {
  const { tally, counted } = await tallyOf(input);
  const { estimate, warnings } = estimateCost(tally, {
    ...(input.prices === undefined ? {} : { prices: input.prices }),
    ...(input.assumedOutputTokensPerRequest === undefined
      ? {}
      : { assumedOutputTokensPerRequest: input.assumedOutputTokensPerRequest }),
  });
  return { estimate: stateShape(estimate), failures: guard(estimate, input.maxCostUsd), warnings, counted };
}

async function tallyOf(input: CostCheckInput): Promise<{ tally: TokenTally; counted: boolean }> {
  if (input.cacheDir !== undefined) {
    const cached = await readCachedTally(input.cacheDir, input.sha256, input.endpoint);
    if (cached !== undefined) {
      return { tally: cached, counted: false };
    }
  }
  const tally =
    "path" in input.content
      ? await tallyFile(input.content.path, input.endpoint)
      : tallyRequests(input.content.requests, input.endpoint);
  if (input.cacheDir !== undefined) {
    await writeCachedTally(input.cacheDir, input.sha256, input.endpoint, tally);
  }
  return { tally, counted: true };
}

function tallyRequests(requests: readonly BatchRequestLine[], endpoint: string): TokenTally {
  const tally = emptyTally(endpoint);
  for (const request of requests) {
    if (tally.endpoint === undefined) {
      tally.requests += 1;
      tally.model ??= typeof request.body.model === "string" ? request.body.model : undefined;
    } else {
      addToTally(tally, countRequestBody(request.body, tally.endpoint));
    }
  }
  return tally;
}

/** The estimate as outputs hold it: unknown figures left out. */
function stateShape(estimate: CostEstimate): BatchCostEstimate {
  return Object.fromEntries(
    Object.entries(estimate).filter(([, value]) => value !== null),
  ) as unknown as BatchCostEstimate;
}

function guard(estimate: CostEstimate, maxCostUsd: number | undefined): InputProblem[] {
  if (maxCostUsd === undefined) {
    return [];
  }
  const fail = (reason: string): InputProblem[] => [{ property: "maxCostUsd", reason }];
  if (estimate.priceAsOf === null) {
    return fail(
      `there is no price for model ${estimate.model ?? "(none)"}, so the batch cannot be held to maxCostUsd ${formatUsd(maxCostUsd)}; pass prices: { "${estimate.model ?? "model"}": { input, output } } in US dollars per million tokens at batch rates`,
    );
  }
  if (estimate.maxCostUsd === null) {
    return fail(
      estimate.inputTokens === null
        ? `the tokens of this endpoint are not counted, so the batch cannot be held to maxCostUsd ${formatUsd(maxCostUsd)}; remove maxCostUsd`
        : `output is unbounded: some requests set no output limit, so the batch cannot be held to maxCostUsd ${formatUsd(maxCostUsd)}; set max_tokens (max_completion_tokens for chat, max_output_tokens for responses) on every request, or set assumedOutputTokensPerRequest`,
    );
  }
  if (estimate.maxCostUsd > maxCostUsd) {
    const inputCost = estimate.inputCostUsd === null ? "unknown" : formatUsd(estimate.inputCostUsd);
    return fail(
      `the batch can cost up to ${formatUsd(estimate.maxCostUsd)} (${estimate.requests} requests, ${estimate.inputTokens} input tokens at most ${inputCost}, and up to ${estimate.maxOutputTokens} output tokens, prices of ${estimate.priceAsOf}), over maxCostUsd ${formatUsd(maxCostUsd)}; raise maxCostUsd, lower the requests' output limits, or send fewer requests`,
    );
  }
  return [];
}
