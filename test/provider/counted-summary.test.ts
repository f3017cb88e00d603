import { afterEach, expect, test } from "vitest";
import type { BatchOutputs } from "../../provider/contract";
import { countedSummary } from "../../provider/results/counted-summary";
import { realDeps } from "../../provider/runtime/deps";
import { OpenAIBatchApi } from "../../provider/runtime/openai-api";
import { resolveSettings } from "../../provider/runtime/settings";
import { EMBEDDINGS, embeddingRequests, type ProviderUnderTest, providerWithEmulator } from "./harness";

let env: ProviderUnderTest;
afterEach(async () => {
  await env?.close();
});

/** A finished batch on the emulator whose first request failed with a 500, and the API that reads it. */
async function finishedBatch(): Promise<{ outs: BatchOutputs; api: OpenAIBatchApi }> {
  env = await providerWithEmulator({
    emulator: { faults: [{ kind: "request_failure", count: 1, statusCode: 500, errorCode: "server_error" }] },
  });
  const inputs = await env.checked({
    endpoint: EMBEDDINGS,
    requests: embeddingRequests(4),
    waitForCompletion: true,
  });
  const { outs } = await env.provider.create(inputs);
  const settings = resolveSettings(undefined, { OPENAI_BASE_URL: env.emulator.url });
  const api = new OpenAIBatchApi({ ...settings, apiKey: env.key }, realDeps({ env: {} }));
  return { outs: outs as BatchOutputs, api };
}

test("requests in neither file are missing from a completed batch, and expired or cancelled by the batch's status", async () => {
  const { outs, api } = await finishedBatch();
  // Counts that say two more requests were sent than the files hold.
  const counts = { total: 6, completed: 3, failed: 1 };
  const completed = await countedSummary("batch_x", { ...outs, requestCounts: counts }, api);
  expect(completed?.outs.resultsSummary).toEqual({
    succeeded: 3,
    failed: 1,
    expired: 0,
    cancelled: 0,
    missing: 2,
    errorCodes: { server_error: 1, missing: 2 },
  });
  expect(completed?.examples.get("server_error")?.customId).toBe("doc-1");
  for (const status of ["expired", "cancelled"] as const) {
    const summary = (await countedSummary("batch_x", { ...outs, status, requestCounts: counts }, api))?.outs
      .resultsSummary;
    expect(summary).toMatchObject({ succeeded: 3, failed: 1, missing: 0, [status]: 2 });
  }
});

test("without request counts there is nothing to count from", async () => {
  const { outs, api } = await finishedBatch();
  const { requestCounts: _counts, ...withoutCounts } = outs;
  expect(await countedSummary("batch_x", withoutCounts as BatchOutputs, api)).toBeUndefined();
});
