import { afterEach, describe, expect, test } from "vitest";
import { tallyLines } from "../../provider/cost/tally";
import { parseCliArgs } from "../../provider/emulator/cli-args";
import { chatJsonl, createBatch, startTestEmulator, type TestEmulator } from "./support/harness";

const DURATIONS = { validatingMs: 1_000, inProgressMs: 10_000, finalizingMs: 5_000, cancellingMs: 1_000 };

let env: TestEmulator | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** The input tokens of `chatJsonl(n)`, as the package's counter counts them. */
const tokensOf = (jsonl: string) => tallyLines(jsonl.split("\n"), "/v1/chat/completions").inputTokens;

describe("the per-model enqueued-token limit", () => {
  test("a batch that does not fit beside the running ones fails with token_limit_exceeded; it fits once they finish", async () => {
    const five = chatJsonl(5);
    const limit = tokensOf(five) * 2;
    env = await startTestEmulator({ durations: DURATIONS, enqueuedTokenLimits: { "gpt-4o-mini": limit } });
    const { client, emulator } = env;
    const first = await createBatch(client, five);
    const second = await createBatch(client, five);
    const third = await createBatch(client, chatJsonl(1));
    await emulator.advance(1_000);
    expect((await client.batches.retrieve(first.id)).status).toBe("in_progress");
    expect((await client.batches.retrieve(second.id)).status).toBe("in_progress");
    const refused = await client.batches.retrieve(third.id);
    expect(refused.status).toBe("failed");
    expect(refused.errors?.data).toEqual([
      {
        code: "token_limit_exceeded",
        message: `Enqueued token limit reached for gpt-4o-mini in organization org-emulator. Limit: ${limit.toLocaleString("en-US")} enqueued tokens. Please try again once some in_progress batches have been completed.`,
        line: null,
        param: null,
      },
    ]);
    // Finalizing batches still hold their tokens.
    await emulator.advance(10_000);
    expect((await client.batches.retrieve(first.id)).status).toBe("finalizing");
    const whileFinalizing = await createBatch(client, chatJsonl(1));
    await emulator.advance(1_000);
    expect((await client.batches.retrieve(whileFinalizing.id)).status).toBe("failed");
    // Once they complete, the queue is empty again.
    await emulator.advance(4_000);
    expect((await client.batches.retrieve(first.id)).status).toBe("completed");
    const later = await createBatch(client, five);
    await emulator.advance(1_000);
    expect((await client.batches.retrieve(later.id)).status).toBe("in_progress");
  });

  test("a batch still validating holds no tokens: of two that do not fit together, the first to be validated runs and the second fails", async () => {
    const five = chatJsonl(5);
    env = await startTestEmulator({
      durations: DURATIONS,
      enqueuedTokenLimits: { "gpt-4o-mini": tokensOf(five) + tokensOf(chatJsonl(1)) },
    });
    const { client, emulator } = env;
    const first = await createBatch(client, five);
    await emulator.advance(500);
    const second = await createBatch(client, five);
    // The first is validated while the second still validates: the second holds nothing yet.
    await emulator.advance(500);
    expect((await client.batches.retrieve(first.id)).status).toBe("in_progress");
    expect((await client.batches.retrieve(second.id)).status).toBe("validating");
    await emulator.advance(500);
    const refused = await client.batches.retrieve(second.id);
    expect(refused.status).toBe("failed");
    expect(refused.errors?.data?.[0]?.code).toBe("token_limit_exceeded");
    expect((await client.batches.retrieve(first.id)).status).toBe("in_progress");
  });

  test("other models and an emulator without limits are not limited", async () => {
    env = await startTestEmulator({ durations: DURATIONS, enqueuedTokenLimits: { "gpt-4.1": 1 } });
    const batch = await createBatch(env.client, chatJsonl(50));
    await env.emulator.advance(1_000);
    expect((await env.client.batches.retrieve(batch.id)).status).toBe("in_progress");
  });

  test.each([
    [["--enqueued-token-limit", "gpt-4o-mini=2000000"], { "gpt-4o-mini": 2_000_000 }],
    [["--enqueued-token-limit=gpt-4o-mini=20,gpt-4.1=30"], { "gpt-4o-mini": 20, "gpt-4.1": 30 }],
  ])("the CLI reads %j", (argv, limits) => {
    const command = parseCliArgs(argv, {});
    expect(command.kind === "start" ? command.options.enqueuedTokenLimits : undefined).toEqual(limits);
  });

  test.each([
    [
      { "gpt-4o-mini": 0 },
      "Expected the enqueued-token limit of gpt-4o-mini to be a whole number of tokens, 1 or more; got 0.",
    ],
    [
      { "gpt-4o-mini": 1.5 },
      "Expected the enqueued-token limit of gpt-4o-mini to be a whole number of tokens, 1 or more; got 1.5.",
    ],
  ])("a bad limit %j is refused", async (limits, message) => {
    await expect(startTestEmulator({ enqueuedTokenLimits: limits })).rejects.toThrow(message);
  });

  test("a bad CLI value is refused with an example", () => {
    expect(() => parseCliArgs(["--enqueued-token-limit", "gpt-4o-mini:20"], {})).toThrow(
      'Expected `--enqueued-token-limit` to be model=tokens pairs separated by commas, e.g. gpt-4o-mini=2000000; got "gpt-4o-mini:20".',
    );
  });
});

test("a batch forced into in_progress holds its tokens in the queue too", async () => {
  const five = chatJsonl(5);
  env = await startTestEmulator({
    durations: DURATIONS,
    enqueuedTokenLimits: { "gpt-4o-mini": tokensOf(five) },
  });
  const { client, emulator } = env;
  const forced = await createBatch(client, five);
  await emulator.setBatchStatus(forced.id, "in_progress", { stuck: true });
  const refused = await createBatch(client, chatJsonl(1));
  await emulator.advance(1_000);
  expect((await client.batches.retrieve(refused.id)).errors?.data?.[0]?.code).toBe("token_limit_exceeded");
});
