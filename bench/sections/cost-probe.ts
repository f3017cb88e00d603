/**
 * Child process of the cost figures: counts the tokens of one JSONL file one way, and reports the
 * time, the peak RSS growth and the counts. Usage: node cost-probe.js <kind> <path> [cacheDir sha256]
 *   cold         checkCost on an empty cache: counts in the worker threads the memory budget holds, writes the cache
 *   single       tallyFile in the calling thread only (the package's counter, one core): loading, parsing, framing included
 *   package      the same texts as the references, with the package's counter, one core
 *   gpt-tokenizer  the same texts with gpt-tokenizer's own counter, one core
 *   js-tiktoken  the same texts with js-tiktoken, one core
 *   tiktoken     the same texts with tiktoken (WASM), one core
 *   cached       checkCost with the tally already cached (what a second preview does)
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { checkCost } from "../../provider/cost/batch-estimate";
import { PARALLEL_MIN_BYTES, tallyFile } from "../../provider/cost/count-file";
import { countingPlan } from "../../provider/cost/thread-budget";
import { serveInChild } from "../lib/child";
import { type Measurement, measure } from "../lib/measure";

export type CostProbeKind =
  | "cold"
  | "single"
  | "package"
  | "gpt-tokenizer"
  | "js-tiktoken"
  | "tiktoken"
  | "cached";

export interface CostProbeResult {
  /** Input tokens, chat framing included (the references apply the same framing). */
  tokens: number;
  /** Threads that counted; 0 when nothing was counted (the cache). */
  threads: number;
}

type Counter = (text: string) => number;

/** Counts every message text of every line with a reference tokenizer, streaming line by line. */
async function referenceCount(path: string, counter: Counter): Promise<number> {
  const { createReadStream } = await import("node:fs");
  const { createInterface } = await import("node:readline");
  let tokens = 0;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line === "") continue;
    const body = (JSON.parse(line) as { body: { messages: { role: string; content: string }[] } }).body;
    // The chat framing: 3 per message, the role, the content, and 3 for the reply.
    tokens += 3;
    for (const message of body.messages) tokens += 3 + counter(message.role) + counter(message.content);
  }
  return tokens;
}

async function run(
  kind: CostProbeKind,
  path: string,
  cacheDir: string | undefined,
  sha256: string | undefined,
): Promise<Measurement<CostProbeResult>> {
  const endpoint = "/v1/chat/completions";
  switch (kind) {
    case "single":
      return measure(async () => ({
        tokens: (await tallyFile(path, endpoint, { threads: 1 })).inputTokens,
        threads: 1,
      }));
    case "cold":
    case "cached": {
      const input = { endpoint, content: { path }, sha256: sha256 ?? "", cacheDir };
      return measure(async () => {
        const outcome = await checkCost(input);
        if (outcome.counted !== (kind === "cold")) {
          throw new RangeError(`the ${kind} run found the cache ${outcome.counted ? "empty" : "full"}`);
        }
        return {
          tokens: outcome.estimate.inputTokens ?? 0,
          threads:
            kind === "cold"
              ? countingPlan({
                  size: statSync(path).size,
                  cores: availableParallelism(),
                  parallelMinBytes: PARALLEL_MIN_BYTES,
                }).threads
              : 0,
        };
      });
    }
    case "package": {
      const { textCounter } =
        require("../../provider/cost/tokenizer") as typeof import("../../provider/cost/tokenizer");
      const counter: Counter = textCounter("o200k_base");
      counter("warm up");
      return measure(async () => ({ tokens: await referenceCount(path, counter), threads: 1 }));
    }
    case "gpt-tokenizer": {
      const encoding =
        require("gpt-tokenizer/encoding/o200k_base") as typeof import("gpt-tokenizer/encoding/o200k_base");
      const counter: Counter = (text) => encoding.countTokens(text, { disallowedSpecial: new Set() });
      counter("warm up");
      return measure(async () => ({ tokens: await referenceCount(path, counter), threads: 1 }));
    }
    case "js-tiktoken": {
      const { getEncoding } = await import("js-tiktoken");
      const encoding = getEncoding("o200k_base");
      const counter: Counter = (text) => encoding.encode(text, [], []).length;
      counter("warm up");
      return measure(async () => ({ tokens: await referenceCount(path, counter), threads: 1 }));
    }
    case "tiktoken": {
      const { get_encoding } = await import("tiktoken");
      const encoding = get_encoding("o200k_base");
      const counter: Counter = (text) => encoding.encode(text, [], []).length;
      counter("warm up");
      return measure(async () => ({ tokens: await referenceCount(path, counter), threads: 1 }));
    }
  }
}

if (require.main === module) {
  const [kind, path, cacheDir, sha256] = process.argv.slice(2) as [CostProbeKind, string, string?, string?];
  serveInChild<Measurement<CostProbeResult>>(() => run(kind, path, cacheDir, sha256));
}
