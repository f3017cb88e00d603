/**
 * The emulator counts tokens in a thread of its own: while it counts a very long word, it answers
 * other calls. Shown by order, not by time: a call made while the emulator waits for a count is
 * answered while it still waits. (Calls that read batches and files wait for the batch step under
 * way, by design, so that none sees a batch half-way through a step; an upload does not.)
 */
import { setImmediate as turn } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  CHAT,
  chatBody,
  createBatch,
  requestLine,
  startTestEmulator,
  type TestEmulator,
  uploadBatchFile,
} from "./support/harness";

let env: TestEmulator;
beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(() => env.close());

/** A word of `length` letters drawn from a seeded generator (no spaces, no repeats to cache). */
function word(length: number): string {
  let state = 11;
  let text = "";
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    text += String.fromCharCode(0x61 + ((state >>> 8) % 26));
  }
  return text;
}

describe("while the emulator counts the tokens of a very long word", () => {
  test("a call made meanwhile is answered before the count ends", async () => {
    // A first batch loads the encoding, so that the count below is the long word's alone.
    await createBatch(env.client, `${requestLine("warm-up", CHAT, chatBody("hello"))}\n`);
    await env.emulator.advance(60_000);
    expect(env.emulator.countingNow()).toBe(0);

    const long = requestLine("long", CHAT, chatBody(word(2_000_000)));
    const batch = await createBatch(env.client, `${long}\n`);
    let executed = false;
    const executing = env.emulator.advance(60_000).then(() => {
      executed = true;
    });
    // The emulator's thread turns while it counts: this loop sees the count under way.
    while (env.emulator.countingNow() === 0 && !executed) await turn();
    expect(executed).toBe(false);
    expect(env.emulator.countingNow()).toBe(1);

    const uploaded = await uploadBatchFile(env.client, `${requestLine("meanwhile")}\n`, "meanwhile.jsonl");
    expect(uploaded).toMatchObject({ object: "file", purpose: "batch", filename: "meanwhile.jsonl" });
    // Answered, and the count is not over: the call did not wait for it.
    expect(env.emulator.countingNow()).toBe(1);
    expect(executed).toBe(false);

    await executing;
    expect(env.emulator.countingNow()).toBe(0);
    const done = await env.client.batches.retrieve(batch.id);
    expect(done.status).toBe("completed");
    expect(done.usage?.input_tokens).toBeGreaterThan(500_000);
  }, 120_000);
});
