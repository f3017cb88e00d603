/**
 * Token counting and pricing of batch inputs. Pure counting and pricing, apart from the file
 * counter (`tallyFile`, in worker threads) and the cache.
 *
 * One request: `countRequestLine(line, endpoint)` or `countRequestBody(body, endpoint)`.
 * A whole file: `tallyFile(path, endpoint)`. Prices: `estimateCost(tally)`, `costOfUsage`.
 */
export { costOfUsage } from "./actual";
export { type CostCheckInput, type CostCheckOutcome, checkCost } from "./batch-estimate";
export { PROJECT_STATE_FOLDER, readCachedTally, tallyCacheDir, writeCachedTally } from "./cache";
export { PARALLEL_MIN_BYTES, type TallyFileOptions, tallyFile } from "./count-file";
export { type EncodingName, encodingOf } from "./encodings";
export { type CostEstimate, type EstimateOptions, type EstimateOutcome, estimateCost } from "./estimate";
export { BATCH_PRICE_TABLE, type ModelPrice, PRICE_TABLE_AS_OF } from "./price-table";
export { type PriceOverrides, priceOf } from "./prices";
export {
  COUNTED_ENDPOINTS,
  type CountedEndpoint,
  isCountedEndpoint,
  type RequestTokens,
} from "./request-tokens";
export {
  addToTally,
  countRequestBody,
  countRequestLine,
  emptyTally,
  type LineTokens,
  mergeTallies,
  type TokenTally,
  tallyLines,
} from "./tally";
