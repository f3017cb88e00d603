/**
 * Azure's enqueued-token quota, against the emulator's azure profile over HTTP. In the fail-fast
 * regions the create itself is refused (HTTP 400 `token_limit_exceeded`, no batch made): a
 * resource that waits creates it again once the queue drains, one that does not fails and says
 * what to do, and one that alone is over the limit is not tried again. Elsewhere the batch fails
 * at validation with Azure's wording of the limit, which the provider reads as it reads OpenAI's.
 */
import { afterEach, describe, expect, test } from "vitest";
import { CREATE_TOKEN_METADATA_KEY } from "../../provider/contract";
import { tallyLines } from "../../provider/cost/tally";
import { isBatchApiError, isBatchWaitError } from "../../provider/errors";
import { createTokenOf } from "../../provider/runtime/create-token";
import { type ProviderUnderTest, providerWithEmulator } from "./harness";

const DURATIONS = { validatingMs: 1_000, inProgressMs: 60_000, finalizingMs: 1_000, cancellingMs: 1_000 };
const requests = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    custom_id: `${prefix}-${i}`,
    method: "POST" as const,
    url: "/chat/completions",
    body: { model: "batch-mini", messages: [{ role: "user", content: `Question ${i} of ${prefix}` }] },
  }));
const jsonl = (lines: readonly unknown[]) => `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;
const filler = jsonl(requests("filler", 20));
/** The deployment's quota holds the filler batch and nothing more. */
const LIMIT = tallyLines(filler.split("\n"), "/v1/chat/completions").inputTokens;

let put: ProviderUnderTest | undefined;
afterEach(async () => {
  await put?.close();
  put = undefined;
});

async function azure(tokenLimitAtCreate: boolean): Promise<ProviderUnderTest> {
  put = await providerWithEmulator({
    emulator: {
      profile: "azure",
      deployments: { "batch-mini": "gpt-4o-mini" },
      durations: DURATIONS,
      enqueuedTokenLimits: { "batch-mini": LIMIT },
      tokenLimitAtCreate,
    },
    config: { "openai:backend": "azure", "openai:models": JSON.stringify({ "batch-mini": "gpt-4o-mini" }) },
  });
  return put;
}

/** Starts a batch outside the provider that fills the deployment's queue until it completes. */
async function fillQueue(p: ProviderUnderTest) {
  const file = await p.client.files.create({ file: new File([filler], "filler.jsonl"), purpose: "batch" });
  const batch = await p.client.batches.create({
    input_file_id: file.id,
    endpoint: "/chat/completions" as "/v1/chat/completions",
    completion_window: "24h",
  });
  await p.emulator.advance(1_000);
  expect((await p.client.batches.retrieve(batch.id)).status).toBe("in_progress");
  return { batch, file };
}

async function thrownBy(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new RangeError("expected the create to fail");
}

describe("Azure's fail fast: the create is refused on a full queue", () => {
  test("a batch that waits is created again, under the same token, once the queue drains; no upload is left behind", async () => {
    const p = await azure(true);
    const fill = await fillQueue(p);
    const inputs = await p.checked({
      endpoint: "/chat/completions",
      requests: requests("mine", 3),
      waitForCompletion: true,
      waitTimeoutSeconds: 3_600,
      pollIntervalSeconds: 20,
      resourceKey: "test/azure-queue/mine",
    });
    const created = await p.provider.create(inputs);
    expect(created.outs?.status).toBe("completed");
    expect(created.outs?.waitTimeoutSeconds).toBe(3_600);
    expect((await p.client.batches.retrieve(fill.batch.id)).status).toBe("completed");
    const refusals = p.emulator
      .calls()
      .filter((call) => call.method === "POST" && call.path === "/v1/batches" && call.status === 400);
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    // No batch for the refused creates: only the one that ran carries the token.
    expect((await p.batchesOf(createTokenOf(inputs))).map((b) => b.id)).toEqual([created.id]);
    // The uploads of the refused creates were deleted.
    expect((await p.batchFiles()).map((f) => f.id).sort()).toEqual(
      [fill.file.id, created.outs?.inputFileId].sort(),
    );
    expect(
      p.logs.some((line) => line.includes("refused to create the batch with token_limit_exceeded")),
    ).toBe(true);
  });

  test("a batch that does not wait fails, says no batch was made and what to do, and leaves no upload", async () => {
    const p = await azure(true);
    const fill = await fillQueue(p);
    const inputs = await p.checked({
      endpoint: "/chat/completions",
      requests: requests("quick", 2),
      resourceKey: "test/azure-queue/quick",
    });
    const thrown = await thrownBy(p.provider.create(inputs));
    expect(isBatchApiError(thrown)).toBe(true);
    if (!isBatchApiError(thrown)) return;
    expect(thrown.status).toBe(400);
    expect(thrown.code).toBe("token_limit_exceeded");
    expect(thrown.id).toBeUndefined();
    expect(thrown.message).toContain(
      "No batch was made: the enqueued-token limit for the model is full. Run `pulumi up` again once other batches of the model have finished, or set waitForCompletion: true",
    );
    expect((await p.batchesOf(createTokenOf(inputs))).length).toBe(0);
    expect((await p.batchFiles()).map((f) => f.id)).toEqual([fill.file.id]);
  });

  test("a queue that stays full past waitTimeoutSeconds fails with no batch and says what to do", async () => {
    const p = await azure(true);
    const fill = await fillQueue(p);
    await p.emulator.setBatchStatus(fill.batch.id, "in_progress", { stuck: true });
    const inputs = await p.checked({
      endpoint: "/chat/completions",
      requests: requests("late", 2),
      waitForCompletion: true,
      waitTimeoutSeconds: 30,
      resourceKey: "test/azure-queue/late",
    });
    const thrown = await thrownBy(p.provider.create(inputs));
    expect(isBatchApiError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain(
      "No batch was made: the enqueued-token limit for the model stayed full for all of waitTimeoutSeconds (30 s).",
    );
    expect((await p.batchFiles()).map((f) => f.id)).toEqual([fill.file.id]);
  });

  test("a batch whose estimated tokens alone are over the limit is refused once, not tried again, and the error says to split it", async () => {
    const p = await azure(true);
    const inputs = await p.checked({
      endpoint: "/chat/completions",
      requests: requests("huge", 60),
      waitForCompletion: true,
      waitTimeoutSeconds: 3_600,
      resourceKey: "test/azure-queue/huge",
    });
    expect(inputs.estimate?.inputTokens).toBeGreaterThan(LIMIT);
    const thrown = await thrownBy(p.provider.create(inputs));
    expect((thrown as Error).message).toContain(
      `The batch's estimated ${inputs.estimate?.inputTokens?.toLocaleString("en-US")} input tokens are more than the enqueued-token limit for the model (${LIMIT.toLocaleString("en-US")})`,
    );
    expect((thrown as Error).message).toContain(`a BatchSet with maxEnqueuedTokens: ${LIMIT}`);
    const creates = p.emulator
      .calls()
      .filter((call) => call.method === "POST" && call.path === "/v1/batches");
    expect(creates.map((call) => call.status)).toEqual([400]);
  });
});

test("without fail fast, a batch alone over the limit fails at validation and Azure's wording of the limit is read", async () => {
  const p = await azure(false);
  const inputs = await p.checked({
    endpoint: "/chat/completions",
    requests: requests("huge", 60),
    waitForCompletion: true,
    waitTimeoutSeconds: 3_600,
    resourceKey: "test/azure-queue/huge-late",
  });
  const thrown = await thrownBy(p.provider.create(inputs));
  expect(isBatchWaitError(thrown)).toBe(true);
  if (!isBatchWaitError(thrown)) return;
  expect(thrown.properties.errors?.[0]?.message).toContain("configured limit of");
  // Azure's limit is not an organization's: the message names the limit for the model alone.
  expect(thrown.message).not.toMatch(/organization/i);
  expect(thrown.message).toContain(
    `its estimated ${inputs.estimate?.inputTokens?.toLocaleString("en-US")} input tokens are more than the enqueued-token limit for the model (${LIMIT.toLocaleString("en-US")})`,
  );
  const mine = (await p.client.batches.list({ limit: 100 })).data.filter(
    (b) => b.metadata?.[CREATE_TOKEN_METADATA_KEY] === createTokenOf(inputs),
  );
  expect(mine.length).toBe(1);
});
