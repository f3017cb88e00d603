import { afterEach, expect, test } from "vitest";
import type { BatchAttempt, BatchOutputs } from "../../provider/contract";
import { EMBEDDINGS, embeddingRequests, type ProviderUnderTest, providerWithEmulator } from "./harness";

let env: ProviderUnderTest;
afterEach(async () => {
  await env?.close();
});

test("a state whose follow-up has no usage yet (written before attempts carried it) gets it, and the totals, at its next read", async () => {
  env = await providerWithEmulator({
    emulator: { faults: [{ kind: "request_failure", count: 2, statusCode: 503, errorCode: "server_error" }] },
  });
  const inputs = await env.checked({
    endpoint: EMBEDDINGS,
    requests: embeddingRequests(4),
    waitForCompletion: true,
    retryFailedRequests: 1,
  });
  const { id, outs } = await env.provider.create(inputs);
  const created = outs as BatchOutputs;
  const [first, followUp] = created.attempts as [BatchAttempt, BatchAttempt];
  expect(followUp.usage?.input_tokens).toBeGreaterThan(0);
  expect(created.usage?.input_tokens).toBe(first.usage!.input_tokens + followUp.usage!.input_tokens);
  // The state as an earlier release wrote it: the first batch's own usage, attempts without theirs.
  const bare = ({ usage: _u, costUsd: _c, ...attempt }: BatchAttempt) => attempt;
  const older: BatchOutputs = { ...created, usage: first.usage!, attempts: [bare(first), bare(followUp)] };
  const read = (await env.provider.read(id, older)).props as BatchOutputs;
  expect(read.attempts?.map((attempt) => attempt.usage)).toEqual([first.usage, followUp.usage]);
  expect(read.usage).toEqual(created.usage);
  expect(read.costUsd).toBe(created.costUsd);
});
