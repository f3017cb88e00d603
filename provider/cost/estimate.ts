import { noun } from "../display";
import { encodingOf } from "./encodings";
import { type PriceOverrides, type PriceSources, priceOf } from "./prices";
import { MAX_STRING_CHARS } from "./string-limit";
import type { TokenTally } from "./tally";

/** A batch's cost before it runs. `null` where a figure is unknown. */
export interface CostEstimate {
  model: string | null;
  requests: number;
  /** Input tokens of all requests; null when the endpoint's tokens are not counted. */
  inputTokens: number | null;
  /** The most output tokens the requests can produce; null when output is unbounded. */
  maxOutputTokens: number | null;
  /** The input's cost, with no prompt-cache discount; null without a price. */
  inputCostUsd: number | null;
  /** The most the batch can cost: input plus the most output; null when unbounded or without a price. */
  maxCostUsd: number | null;
  /** The date of the price used, or "prices argument"; null without a price. */
  priceAsOf: string | null;
}

export interface EstimateOptions {
  prices?: PriceOverrides;
  /** Output tokens assumed for each request that sets no output limit. */
  assumedOutputTokensPerRequest?: number;
  /** The `openai:prices` setting, and whether the shipped table applies. */
  sources?: PriceSources;
  /** The model each name in the request lines runs (`openai:models`): deployment names on Azure. */
  models?: Readonly<Record<string, string>>;
  /** True where the lines name deployments, not models (Azure): the warnings say so. */
  deployments?: boolean;
  /** How the warnings say to fix what they report; default: with the resource's arguments. */
  advice?: EstimateAdvice;
  /** The stack config namespace the warnings name settings in: `openai` (default), the plugin's `openai-batch`. */
  configNamespace?: string | undefined;
}

/**
 * What the warnings tell the user to do, in the terms of where the estimate is read: the
 * resource's arguments (`prices`, `assumedOutputTokensPerRequest`) or the command line's options.
 */
export interface EstimateAdvice {
  /** How to give the price of a model that has none, e.g. `pass prices: { "m": { input, output } }`. */
  price(model: string): string;
  /** How to bound the output of requests that set no output limit. */
  unboundedOutput: string;
}

/** The advice of the `Batch` and `BatchSet` arguments. */
export const ARGUMENT_ADVICE: EstimateAdvice = {
  price: (model) => `pass prices: { "${model}": { input, output } }`,
  unboundedOutput:
    "set max_tokens (max_completion_tokens, max_output_tokens) on each request, or assumedOutputTokensPerRequest",
};

export interface EstimateOutcome {
  estimate: CostEstimate;
  /** What makes the figures partial: an unknown model, uncounted parts, unbounded output. */
  warnings: string[];
  /**
   * The requests that set no output limit when nothing bounds their output (no
   * `assumedOutputTokensPerRequest`), with the warning about them (one of `warnings`).
   */
  unboundedOutput?: UnboundedOutput;
}

/** Requests whose output nothing bounds, and the warning that says so. */
export interface UnboundedOutput {
  requests: number;
  warning: string;
}

/** Prices a tally. Pure. */
export function estimateCost(tally: TokenTally, options: EstimateOptions = {}): EstimateOutcome {
  const advice = options.advice ?? ARGUMENT_ADVICE;
  const setting = (name: string) => `${options.configNamespace ?? "openai"}:${name}`;
  const warnings: string[] = [];
  let unboundedOutput: UnboundedOutput | undefined;
  const models = options.models ?? {};
  const name = tally.model;
  const mapped = name !== undefined && Object.hasOwn(models, name) ? models[name] : undefined;
  const model = mapped ?? name ?? null;
  const deployment = options.deployments === true && name !== undefined ? name : undefined;
  const named = (what: string) => (deployment === undefined ? `model ${what}` : `deployment ${deployment}`);
  const inputTokens = tally.endpoint === undefined ? null : tally.inputTokens;
  const assumed = options.assumedOutputTokensPerRequest;
  let maxOutputTokens: number | null = null;
  if (tally.endpoint !== undefined) {
    if (tally.unboundedRequests === 0) {
      maxOutputTokens = tally.maxOutputTokens;
    } else if (assumed !== undefined) {
      maxOutputTokens = tally.maxOutputTokens + tally.unboundedRequests * assumed;
    } else {
      const one = tally.unboundedRequests === 1;
      const warning = `${tally.unboundedRequests} of ${tally.requests} ${noun(tally.requests, "request")} ${one ? "sets" : "set"} no output limit, so output is unbounded; ${advice.unboundedOutput}`;
      warnings.push(warning);
      unboundedOutput = { requests: tally.unboundedRequests, warning };
    }
  }
  if (tally.endpoint !== undefined && model !== null && !encodingOf(model).known) {
    warnings.push(
      deployment !== undefined && mapped === undefined
        ? `deployment ${deployment} is not in ${setting("models")}, so its model is not known; its tokens were counted with o200k_base (the encoding of every Azure batch model) and it has no price; map it with ${setting("models")} {"${deployment}": "<model>"}`
        : `${named(model)} is not one this package knows; its tokens were counted with o200k_base`,
    );
  }
  if (tally.refusedRequests > 0) {
    const one = tally.refusedRequests === 1;
    const where =
      tally.firstRefusedLine === undefined
        ? ""
        : ` (${one ? "on" : "the first on"} line ${tally.firstRefusedLine})`;
    warnings.push(
      `${tally.refusedRequests} of ${tally.requests} ${noun(tally.requests, "request")}${where} ${one ? "holds" : "hold"} a string of more than ${MAX_STRING_CHARS.toLocaleString("en-US")} characters, the most the API takes in one string: the API will fail ${one ? "it" : "them"} (string_above_max_length), so ${one ? "its" : "their"} tokens are not counted; shorten ${one ? "that string" : "those strings"} or split the requests`,
    );
  }
  if (tally.uncountedParts > 0) {
    warnings.push(
      tally.uncountedParts === 1
        ? "1 image, audio or file part, or built-in tool, is not counted; the input tokens are a lower bound"
        : `${tally.uncountedParts} images, audio or file parts, or built-in tools, are not counted; the input tokens are a lower bound`,
    );
  }
  const found = priceOf(model ?? undefined, options.prices, options.sources);
  if (found === undefined) {
    if (model !== null && !(deployment !== undefined && mapped === undefined && !encodingOf(model).known)) {
      const of = deployment === undefined ? `model ${model}` : `deployment ${deployment} (model ${model})`;
      warnings.push(
        options.sources?.table === false
          ? `no price for ${of}: the package ships prices for OpenAI only; ${advice.price(model)}, or set ${setting("prices")}, to price it`
          : `no price for ${of}; ${advice.price(model)} to price it`,
      );
    }
    return {
      estimate: {
        model,
        requests: tally.requests,
        inputTokens,
        maxOutputTokens,
        inputCostUsd: null,
        maxCostUsd: null,
        priceAsOf: null,
      },
      warnings,
      ...(unboundedOutput === undefined ? {} : { unboundedOutput }),
    };
  }
  const { price } = found;
  const free = price.input === 0 && price.output === 0;
  const inputCostUsd = free ? 0 : inputTokens === null ? null : usd(inputTokens * price.input);
  const maxCostUsd = free
    ? 0
    : inputTokens === null || maxOutputTokens === null
      ? null
      : usd(inputTokens * price.input + maxOutputTokens * price.output);
  return {
    estimate: {
      model,
      requests: tally.requests,
      inputTokens,
      maxOutputTokens,
      inputCostUsd,
      maxCostUsd,
      priceAsOf: found.asOf,
    },
    warnings,
    ...(unboundedOutput === undefined ? {} : { unboundedOutput }),
  };
}

/** Dollars from token-dollars per million, rounded to a millionth of a dollar. */
export function usd(tokensTimesPricePerMillion: number): number {
  return Math.round(tokensTimesPricePerMillion) / 1e6;
}
