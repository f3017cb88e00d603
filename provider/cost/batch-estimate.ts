import { type BackendProfile, canonicalEndpoint, OPENAI_PROFILE } from "../backends";
import type { BatchCostEstimate, BatchRequestLine } from "../contract";
import { noun } from "../display";
import type { InputProblem } from "../errors";
import { readCachedTally, writeCachedTally } from "./cache";
import { tallyFile } from "./count-file";
import { type CostEstimate, estimateCost, type UnboundedOutput } from "./estimate";
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
  /** The backend: its `models` map and whether OpenAI's price table applies. OpenAI when absent. */
  backend?: BackendProfile | undefined;
  /** The stack's `openai:prices` setting, under `prices`. */
  settingPrices?: PriceOverrides | undefined;
  /** The stack config namespace the messages name settings in; `openai` when not given. */
  configNamespace?: string | undefined;
}

export interface CostCheckOutcome {
  estimate: BatchCostEstimate;
  /** The guard's verdict: a failure for `maxCostUsd` when the batch may cost more, or cannot be bounded. */
  failures: InputProblem[];
  warnings: string[];
  /** The requests whose output nothing bounds, and the warning about them (one of `warnings`). */
  unboundedOutput?: UnboundedOutput;
  /** True when the tokens were counted now, false when the tally came from the cache. */
  counted: boolean;
}

/**
 * The estimate of a batch at `check` time, and the `maxCostUsd` guard. The tally is cached by the
 * input's sha256, so an unchanged input is counted once.
 */
export async function checkCost(input: CostCheckInput): Promise<CostCheckOutcome> {
  const backend = input.backend ?? OPENAI_PROFILE;
  // Tokens are counted by the endpoint's OpenAI name (`/chat/completions` counts as `/v1/chat/completions`).
  const { tally, counted } = await tallyOf({ ...input, endpoint: canonicalEndpoint(input.endpoint) });
  const deployments = backend.kind === "azure";
  const { estimate, warnings, unboundedOutput } = estimateCost(tally, {
    ...(input.prices === undefined ? {} : { prices: input.prices }),
    ...(input.assumedOutputTokensPerRequest === undefined
      ? {}
      : { assumedOutputTokensPerRequest: input.assumedOutputTokensPerRequest }),
    sources: { settings: input.settingPrices, table: backend.prices === "openai" },
    models: backend.models,
    deployments,
    configNamespace: input.configNamespace,
  });
  const deployment = deployments ? tally.model : undefined;
  const setting = (name: string) => `${input.configNamespace ?? "openai"}:${name}`;
  return {
    estimate: stateShape(estimate),
    failures: guard(estimate, input.maxCostUsd, deployment, backend, setting),
    warnings,
    ...(unboundedOutput === undefined ? {} : { unboundedOutput }),
    counted,
  };
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

function guard(
  estimate: CostEstimate,
  maxCostUsd: number | undefined,
  deployment: string | undefined,
  backend: BackendProfile,
  setting: (name: string) => string,
): InputProblem[] {
  if (maxCostUsd === undefined) {
    return [];
  }
  const fail = (reason: string): InputProblem[] => [{ property: "maxCostUsd", reason }];
  if (estimate.priceAsOf === null) {
    if (deployment !== undefined && !Object.hasOwn(backend.models, deployment)) {
      return fail(
        `deployment ${deployment} is not in ${setting("models")}, so its model and price are not known and the batch cannot be held to maxCostUsd ${formatUsd(maxCostUsd)}; set ${setting("models")} to {"${deployment}": "<model>"} and give that model's price in ${setting("prices")} (or the prices argument)`,
      );
    }
    const what =
      deployment === undefined
        ? `model ${estimate.model ?? "(none)"}`
        : `deployment ${deployment} (model ${estimate.model})`;
    const orSetting =
      backend.prices === "openai"
        ? ""
        : `, or set ${setting("prices")} (the package ships prices for OpenAI only)`;
    return fail(
      `there is no price for ${what}, so the batch cannot be held to maxCostUsd ${formatUsd(maxCostUsd)}; pass prices: { "${estimate.model ?? "model"}": { input, output } } in US dollars per million tokens at batch rates${orSetting}`,
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
      `the batch can cost up to ${formatUsd(estimate.maxCostUsd)} (${estimate.requests} ${noun(estimate.requests, "request")}, ${estimate.inputTokens} input ${noun(estimate.inputTokens, "token")} at most ${inputCost}, and up to ${estimate.maxOutputTokens} output ${noun(estimate.maxOutputTokens, "token")}, prices of ${estimate.priceAsOf}), over maxCostUsd ${formatUsd(maxCostUsd)}; raise maxCostUsd, lower the requests' output limits, or send fewer requests`,
    );
  }
  return [];
}
