import { afterEach, expect, test } from "vitest";
import { CREATE_TOKEN_METADATA_KEY } from "../../provider/contract";
import { tallyLines } from "../../provider/cost/tally";
import { isBatchWaitError } from "../../provider/errors";
import { createTokenOf } from "../../provider/runtime/create-token";
import { type ProviderUnderTest, providerWithEmulator } from "./harness";

const CHAT = "/v1/chat/completions";
const DURATIONS = { validatingMs: 1_000, inProgressMs: 60_000, finalizingMs: 1_000, cancellingMs: 1_000 };

const requests = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    custom_id: `${prefix}-${i}`,
    method: "POST" as const,
    url: CHAT,
    body: { model: "gpt-4o-mini", messages: [{ role: "user", content: `Question ${i} of ${prefix}` }] },
  }));

const jsonl = (lines: readonly unknown[]) => `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;
const filler = jsonl(requests("filler", 20));
/** The queue holds the filler batch and nothing more. */
const LIMIT = tallyLines(filler.split("\n"), CHAT).inputTokens;

let put: ProviderUnderTest | undefined;
afterEach(async () => {
  await put?.close();
  put = undefined;
});

/** Starts a batch outside the provider that fills the model's queue until it completes. */
async function fillQueue(p: ProviderUnderTest) {
  const file = await p.client.files.create({ file: new File([filler], "filler.jsonl"), purpose: "batch" });
  const batch = await p.client.batches.create({
    input_file_id: file.id,
    endpoint: CHAT,
    completion_window: "24h",
  });
  await p.emulator.advance(1_000);
  expect((await p.client.batches.retrieve(batch.id)).status).toBe("in_progress");
  return batch;
}

test("a batch failed with token_limit_exceeded is created again, under the same token, once the queue drains", async () => {
  put = await providerWithEmulator({
    emulator: { durations: DURATIONS, enqueuedTokenLimits: { "gpt-4o-mini": LIMIT } },
  });
  const p = put;
  const fill = await fillQueue(p);
  const inputs = await p.checked({
    endpoint: CHAT,
    requests: requests("mine", 3),
    waitForCompletion: true,
    waitTimeoutSeconds: 3_600,
    pollIntervalSeconds: 20,
    resourceKey: "test/queue/mine",
  });
  const created = await p.provider.create(inputs);
  expect(created.outs?.status).toBe("completed");
  expect(created.outs?.waitTimeoutSeconds).toBe(3_600);
  const all = (await p.client.batches.list({ limit: 100 })).data;
  const mine = all.filter((b) => b.metadata?.[CREATE_TOKEN_METADATA_KEY] === createTokenOf(inputs));
  const failed = mine.filter((b) => b.status === "failed");
  expect(failed.length).toBeGreaterThanOrEqual(1);
  for (const batch of failed) expect(batch.errors?.data?.[0]?.code).toBe("token_limit_exceeded");
  expect(mine.filter((b) => b.status !== "failed").map((b) => b.id)).toEqual([created.id]);
  expect((await p.client.batches.retrieve(fill.id)).status).toBe("completed");
  // The input files of the failed attempts were deleted; the completed batch's is kept.
  const inputs_ = (await p.batchFiles()).map((f) => f.id);
  for (const batch of failed) expect(inputs_).not.toContain(batch.input_file_id);
  expect(inputs_).toContain(created.outs?.inputFileId);
  expect(p.logs.some((line) => line.includes("failed with token_limit_exceeded"))).toBe(true);
});

test("a queue that stays full past waitTimeoutSeconds records the failed batch and says what to do", async () => {
  put = await providerWithEmulator({
    emulator: { durations: DURATIONS, enqueuedTokenLimits: { "gpt-4o-mini": LIMIT } },
  });
  const p = put;
  const fill = await fillQueue(p);
  await p.emulator.setBatchStatus(fill.id, "in_progress", { stuck: true });
  const inputs = await p.checked({
    endpoint: CHAT,
    requests: requests("late", 2),
    waitForCompletion: true,
    waitTimeoutSeconds: 30,
    resourceKey: "test/queue/late",
  });
  let thrown: unknown;
  try {
    await p.provider.create(inputs);
  } catch (error) {
    thrown = error;
  }
  expect(isBatchWaitError(thrown)).toBe(true);
  if (!isBatchWaitError(thrown)) return;
  expect(thrown.properties.status).toBe("failed");
  expect(thrown.properties.waitTimeoutSeconds).toBe(30);
  expect(thrown.message).toContain(
    "The enqueued-token limit for the model stayed full for all of waitTimeoutSeconds (30 s)",
  );
});

test("a batch whose estimated tokens alone are over the limit is not created again nor replaced, and the error says to split it", async () => {
  put = await providerWithEmulator({
    emulator: { durations: DURATIONS, enqueuedTokenLimits: { "gpt-4o-mini": LIMIT } },
  });
  const p = put;
  const inputs = await p.checked({
    endpoint: CHAT,
    requests: requests("huge", 60),
    waitForCompletion: true,
    waitTimeoutSeconds: 3_600,
    pollIntervalSeconds: 20,
    resourceKey: "test/queue/huge",
  });
  expect(inputs.estimate?.inputTokens).toBeGreaterThan(LIMIT);
  let thrown: unknown;
  try {
    await p.provider.create(inputs);
  } catch (error) {
    thrown = error;
  }
  expect(isBatchWaitError(thrown)).toBe(true);
  if (!isBatchWaitError(thrown)) return;
  expect(thrown.properties.status).toBe("failed");
  expect(thrown.message).toContain(
    `its estimated ${inputs.estimate?.inputTokens?.toLocaleString("en-US")} input tokens are more than the enqueued-token limit for the model (${LIMIT.toLocaleString("en-US")})`,
  );
  expect(thrown.message).toContain("BatchSet with maxEnqueuedTokens");
  const all = (await p.client.batches.list({ limit: 100 })).data;
  const mine = all.filter((b) => b.metadata?.[CREATE_TOKEN_METADATA_KEY] === createTokenOf(inputs));
  expect(mine.length).toBe(1);
  // The next up does not replace it on its own: a new batch would fail the same way.
  const diff = await p.provider.diff(thrown.id, thrown.properties, inputs);
  expect(diff.replaces ?? []).toEqual([]);
});
