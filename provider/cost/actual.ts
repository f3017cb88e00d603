import type { BatchUsage } from "../contract";
import { usd } from "./estimate";
import { type PriceOverrides, priceOf } from "./prices";

/**
 * What a finished batch cost, from the `usage` the API reports: input tokens not served from
 * the prompt cache at the input rate, cached ones at the cached rate, and output tokens
 * (reasoning tokens are part of them) at the output rate. Undefined without a price.
 */
export function costOfUsage(
  model: string | undefined,
  usage: BatchUsage,
  prices?: PriceOverrides,
): number | undefined {
  const found = priceOf(model, prices);
  if (found === undefined) {
    return undefined;
  }
  const { price } = found;
  const cached = Math.min(usage.input_tokens_details?.cached_tokens ?? 0, usage.input_tokens);
  return usd(
    (usage.input_tokens - cached) * price.input +
      cached * (price.cachedInput ?? price.input) +
      usage.output_tokens * price.output,
  );
}
