/** Prices in US dollars per million tokens, at the Batch API's rates. */
export interface ModelPrice {
  /** Input tokens. */
  input: number;
  /** Input tokens served from the prompt cache; the input rate when absent. */
  cachedInput?: number;
  /** Output tokens, reasoning tokens included. */
  output: number;
}

/**
 * The date of the published prices the table below is taken from. Prices change: pass `prices`
 * to correct or add a model (see docs/cost.md).
 */
export const PRICE_TABLE_AS_OF = "2025-08-07";

/**
 * Batch prices: half of OpenAI's standard rates of the date above (the Batch API's published
 * rule), for input, cached input and output. Moderation is free.
 */
export const BATCH_PRICE_TABLE: Readonly<Record<string, Readonly<ModelPrice>>> = {
  "gpt-5": { input: 0.625, cachedInput: 0.0625, output: 5 },
  "gpt-5-mini": { input: 0.125, cachedInput: 0.0125, output: 1 },
  "gpt-5-nano": { input: 0.025, cachedInput: 0.0025, output: 0.2 },
  "gpt-4.1": { input: 1, cachedInput: 0.25, output: 4 },
  "gpt-4.1-mini": { input: 0.2, cachedInput: 0.05, output: 0.8 },
  "gpt-4.1-nano": { input: 0.05, cachedInput: 0.0125, output: 0.2 },
  "gpt-4o": { input: 1.25, cachedInput: 0.625, output: 5 },
  "gpt-4o-mini": { input: 0.075, cachedInput: 0.0375, output: 0.3 },
  o1: { input: 7.5, cachedInput: 3.75, output: 30 },
  o3: { input: 1, cachedInput: 0.25, output: 4 },
  "o3-mini": { input: 0.55, cachedInput: 0.275, output: 2.2 },
  "o4-mini": { input: 0.55, cachedInput: 0.1375, output: 2.2 },
  "gpt-4-turbo": { input: 5, output: 15 },
  "gpt-3.5-turbo": { input: 0.25, output: 0.75 },
  "gpt-3.5-turbo-instruct": { input: 0.75, output: 1 },
  "davinci-002": { input: 1, output: 1 },
  "babbage-002": { input: 0.2, output: 0.2 },
  "text-embedding-3-small": { input: 0.01, output: 0 },
  "text-embedding-3-large": { input: 0.065, output: 0 },
  "text-embedding-ada-002": { input: 0.05, output: 0 },
  "omni-moderation-latest": { input: 0, output: 0 },
  "text-moderation-latest": { input: 0, output: 0 },
};
