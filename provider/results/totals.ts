import type { BatchAttempt, BatchOutputs, BatchUsage } from "../contract";
import { costOfUsage } from "../cost/actual";

/**
 * What a resource cost over every batch run for it. Once follow-ups of `retryFailedRequests`
 * exist, `usage` and `costUsd` are the sums over every attempt (the first batch and each
 * follow-up), and each attempt carries its own `usage` and `costUsd`. `requestCounts` stays the
 * first batch's own counts, as the API reports them; `resultsSummary` gives each request's final
 * outcome. The first attempt always holds the first batch's own figures, so that the totals can
 * be taken apart again (`withoutTotals`) and made anew from a later read.
 */
export function withTotals(outs: BatchOutputs): BatchOutputs {
  const attempts = outs.attempts;
  if (attempts === undefined || attempts.length === 0) return outs;
  const priced = attempts.map((attempt, index) =>
    pricedAttempt(attempt, index === 0 ? outs : undefined, outs),
  );
  const { usage: _usage, costUsd: _cost, ...rest } = outs;
  const usage = sumUsage(priced.map((attempt) => attempt.usage));
  const cost = sumCost(priced.map((attempt) => attempt.costUsd));
  return {
    ...rest,
    attempts: priced,
    ...(usage === undefined ? {} : { usage }),
    ...(cost === undefined ? {} : { costUsd: cost }),
  };
}

/**
 * The outputs with `usage` and `costUsd` of the first batch alone again, as the API reported
 * them: what an update that calls no API carries on, before the totals are made anew.
 */
export function withoutTotals(outs: BatchOutputs): BatchOutputs {
  const first = outs.attempts?.[0];
  if (first === undefined || (outs.attempts?.length ?? 0) <= 1) return outs;
  const { usage: _usage, costUsd: _cost, ...rest } = outs;
  return {
    ...rest,
    ...(first.usage === undefined ? {} : { usage: first.usage }),
    ...(first.costUsd === undefined ? {} : { costUsd: first.costUsd }),
  };
}

/**
 * An attempt with its own usage and cost, priced at the model and prices of the resource. The
 * first takes its usage from the outputs (`own`) when it has none yet: before the totals are
 * made, they hold the first batch's.
 */
function pricedAttempt(
  attempt: BatchAttempt,
  own: BatchOutputs | undefined,
  outs: BatchOutputs,
): BatchAttempt {
  const usage = attempt.usage ?? own?.usage;
  if (usage === undefined) return attempt;
  const costUsd = costOfUsage(outs.model ?? outs.estimate?.model, usage, outs.prices);
  return { ...attempt, usage, ...(costUsd === undefined ? {} : { costUsd }) };
}

/** The sum of every attempt's usage; undefined when any attempt's is unknown, so that no total is short. */
export function sumUsage(usages: readonly (BatchUsage | undefined)[]): BatchUsage | undefined {
  if (usages.length === 0 || usages.some((usage) => usage === undefined)) return undefined;
  const known = usages as readonly BatchUsage[];
  const total = (pick: (usage: BatchUsage) => number) => known.reduce((sum, usage) => sum + pick(usage), 0);
  const summed: BatchUsage = {
    input_tokens: total((u) => u.input_tokens),
    output_tokens: total((u) => u.output_tokens),
    total_tokens: total((u) => u.total_tokens),
  };
  if (known.some((usage) => usage.input_tokens_details !== undefined)) {
    summed.input_tokens_details = { cached_tokens: total((u) => u.input_tokens_details?.cached_tokens ?? 0) };
  }
  if (known.some((usage) => usage.output_tokens_details !== undefined)) {
    summed.output_tokens_details = {
      reasoning_tokens: total((u) => u.output_tokens_details?.reasoning_tokens ?? 0),
    };
  }
  return summed;
}

function sumCost(costs: readonly (number | undefined)[]): number | undefined {
  if (costs.length === 0 || costs.some((cost) => cost === undefined)) return undefined;
  // Each cost is whole micro-dollars; the sum is kept so, free of binary fractions.
  return Math.round((costs as number[]).reduce((sum, cost) => sum + cost * 1e6, 0)) / 1e6;
}
