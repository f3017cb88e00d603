import { describeValue, notANumber } from "../validation/describe-value";
import { BATCH_PRICE_TABLE, type ModelPrice, PRICE_TABLE_AS_OF } from "./price-table";

/** Prices given by the user, by model name, in US dollars per million tokens at batch rates. */
export type PriceOverrides = Readonly<Record<string, Readonly<ModelPrice>>>;

/** What `priceAsOf` says when the price of the model came from the `prices` argument. */
export const GIVEN_PRICE_SOURCE = "prices argument";

/** What `priceAsOf` says when the price came from the stack's `openai:prices` setting. */
export const SETTING_PRICE_SOURCE = "prices setting";

/** Where prices come from besides the `prices` argument. */
export interface PriceSources {
  /** The stack's `openai:prices` setting, under the argument. */
  settings?: PriceOverrides | undefined;
  /** Whether the shipped table (OpenAI's batch prices) applies; false for other backends. Default true. */
  table?: boolean;
}

export interface FoundPrice {
  price: Readonly<ModelPrice>;
  /** The table's date, or `GIVEN_PRICE_SOURCE`. */
  asOf: string;
}

/**
 * The batch price of a model: from `overrides` (the `prices` argument) first, then the
 * `openai:prices` setting, then the table (where it applies); a dated snapshot
 * (`gpt-4o-mini-2024-07-18`) takes its family's price unless it is listed itself. Undefined for
 * a model none knows.
 */
export function priceOf(
  model: string | undefined,
  overrides: PriceOverrides = {},
  sources: PriceSources = {},
): FoundPrice | undefined {
  if (model === undefined) {
    return undefined;
  }
  const settings = sources.settings ?? {};
  for (const name of [model, withoutSnapshotDate(model)]) {
    const given = Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    if (given !== undefined) {
      return { price: given, asOf: GIVEN_PRICE_SOURCE };
    }
    const set = Object.hasOwn(settings, name) ? settings[name] : undefined;
    if (set !== undefined) {
      return { price: set, asOf: SETTING_PRICE_SOURCE };
    }
    const listed =
      sources.table !== false && Object.hasOwn(BATCH_PRICE_TABLE, name) ? BATCH_PRICE_TABLE[name] : undefined;
    if (listed !== undefined) {
      return { price: listed, asOf: PRICE_TABLE_AS_OF };
    }
  }
  return undefined;
}

function withoutSnapshotDate(model: string): string {
  return model.replace(/-\d{4}-\d{2}-\d{2}$/, "");
}

/** Problems with a `prices` argument, one sentence each; empty when it is usable. */
export function pricesProblems(value: unknown): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [
      'prices must be an object of model names to { input, output, cachedInput? } in US dollars per million tokens, e.g. { "gpt-4o-mini": { input: 0.075, output: 0.3 } }',
    ];
  }
  const problems: string[] = [];
  for (const [model, price] of Object.entries(value)) {
    if (price === null || typeof price !== "object" || Array.isArray(price)) {
      problems.push(`prices["${model}"] must be an object { input, output, cachedInput? }`);
      continue;
    }
    const record = price as Record<string, unknown>;
    for (const key of ["input", "output", "cachedInput"] as const) {
      const rate = record[key];
      if (rate === undefined && key === "cachedInput") {
        continue;
      }
      if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0) {
        problems.push(
          `prices["${model}"].${key} is ${rate === undefined ? "missing" : `${describeValue(rate)}${notANumber(rate, "a price")}`}; give US dollars per million tokens as a number of 0 or more`,
        );
      }
    }
    for (const key of Object.keys(record)) {
      if (!["input", "output", "cachedInput"].includes(key)) {
        problems.push(`prices["${model}"].${key} is not a price; use input, output and cachedInput`);
      }
    }
  }
  return problems;
}
