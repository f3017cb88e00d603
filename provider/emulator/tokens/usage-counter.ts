import { countingThread } from "./counting-thread";
import { encodingForModel, type TiktokenEncodingName } from "./encoding";
import { inputTexts } from "./request-texts";

/** The tokens of one answered request. */
export interface RequestUsage {
  input: number;
  output: number;
}

/** Texts sent to the counting thread at once when a whole file is counted. */
const FILE_BATCH_CHARS = 1024 * 1024;

/**
 * An emulator's token counts: the `usage` of the requests it answers and the enqueued tokens of
 * the batches it queues, counted with the emulator's own tokenizer (tiktoken) and request walk
 * (request-texts.ts), in its counting thread. It knows how many counts it is waiting for, so that
 * tests can see the emulator answer calls in the middle of one.
 */
export class UsageCounter {
  private waiting = 0;

  /** How many counts the emulator is waiting for now. */
  get countingNow(): number {
    return this.waiting;
  }

  /**
   * The input tokens of a request, and the output tokens of the text it is answered with;
   * undefined for an endpoint whose usage is not counted in tokens.
   */
  async requestUsage(
    endpoint: string,
    body: Readonly<Record<string, unknown>>,
    reply: string,
  ): Promise<RequestUsage | undefined> {
    const encoding = encodingForModel(body.model);
    const input = inputTexts(endpoint, body, encoding);
    if (input === undefined) return undefined;
    const tokens = await this.count(encoding, [...input.texts, reply]);
    const output = tokens.pop() ?? 0;
    return { input: input.fixed + sum(tokens), output };
  }

  /**
   * The input tokens of the request lines of a batch's file, as its queue counts them; a line
   * whose tokens are not counted (another endpoint, or not a JSON request) counts its bytes.
   */
  async linesInputTokens(lines: AsyncIterable<string>, endpoint: string): Promise<number> {
    let tokens = 0;
    const batches = new Map<TiktokenEncodingName, { texts: string[]; chars: number }>();
    const flush = async (encoding: TiktokenEncodingName) => {
      const batch = batches.get(encoding);
      if (batch === undefined || batch.texts.length === 0) return;
      batches.delete(encoding);
      tokens += sum(await this.count(encoding, batch.texts));
    };
    for await (const line of lines) {
      if (line.trim() === "") continue;
      const body = requestBody(line);
      const encoding = encodingForModel(body?.model);
      const input = body === undefined ? undefined : inputTexts(endpoint, body, encoding);
      if (input === undefined) {
        tokens += Buffer.byteLength(line, "utf8");
        continue;
      }
      tokens += input.fixed;
      const batch = batches.get(encoding) ?? { texts: [], chars: 0 };
      batches.set(encoding, batch);
      for (const text of input.texts) {
        batch.texts.push(text);
        batch.chars += text.length;
      }
      if (batch.chars >= FILE_BATCH_CHARS) await flush(encoding);
    }
    for (const encoding of [...batches.keys()]) await flush(encoding);
    return tokens;
  }

  private async count(encoding: TiktokenEncodingName, texts: string[]): Promise<number[]> {
    this.waiting += 1;
    try {
      return await countingThread().count(encoding, texts);
    } finally {
      this.waiting -= 1;
    }
  }
}

function requestBody(line: string): Record<string, unknown> | undefined {
  try {
    const body = (JSON.parse(line) as { body?: unknown } | null)?.body;
    return typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
