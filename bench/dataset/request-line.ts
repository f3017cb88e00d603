import { seededRandom } from "../lib/prng";

export const CHAT_ENDPOINT = "/v1/chat/completions";
export const CHAT_MODEL = "gpt-4o-mini";

const WORDS = (
  "the a batch of requests summarize translate explain compare list why how when where report table " +
  "value number answer question model token input output review draft letter invoice order customer " +
  "weather city river mountain history science music garden kitchen travel budget plan meeting notes"
).split(" ");

/**
 * A fixed pool of text that the request lines take slices of: 64 KiB of plain ASCII words (no
 * character that JSON escapes, so any slice is a valid string), the same on every machine.
 */
export function fillerPool(bytes = 64 * 1024, seed = 20_240_601): string {
  const random = seededRandom(seed);
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    const punctuation = random() < 0.08 ? ". " : random() < 0.05 ? ", " : " ";
    const piece = `${word}${punctuation}`;
    parts.push(piece);
    length += piece.length;
  }
  return parts.join("").slice(0, bytes);
}

/**
 * Request line number `index` (0-based) for /v1/chat/completions, exactly `lineBytes` long
 * including its newline: a valid request whose user message is a slice of `pool`.
 */
export function requestLine(index: number, lineBytes: number, pool: string): string {
  const head =
    `{"custom_id":"request-${String(index).padStart(7, "0")}","method":"POST","url":"${CHAT_ENDPOINT}",` +
    `"body":{"model":"${CHAT_MODEL}","max_tokens":256,"messages":[{"role":"system","content":"Answer in one sentence."},{"role":"user","content":"`;
  const tail = '"}]}}\n';
  const room = lineBytes - head.length - tail.length;
  if (room < 1 || room > pool.length) {
    throw new RangeError(
      `Expected lineBytes between ${head.length + tail.length + 1} and ${pool.length}; got ${lineBytes}.`,
    );
  }
  const offset = (index * 7_919) % (pool.length - room + 1);
  return head + pool.slice(offset, offset + room) + tail;
}
