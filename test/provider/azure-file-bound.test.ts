/**
 * Azure's bound on the batch files of a resource, against the emulator's azure profile over
 * HTTP: a create whose upload is refused because the resource keeps 500 batch files without an
 * expiry fails, names the bound and what to do, and makes no batch.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { isBatchApiError } from "../../provider/errors";
import { type ProviderUnderTest, providerWithEmulator } from "./harness";

let env: ProviderUnderTest;
beforeAll(async () => {
  env = await providerWithEmulator({
    emulator: { profile: "azure", deployments: { "batch-mini": "gpt-4o-mini" } },
    config: { "openai:backend": "azure" },
  });
});
afterAll(() => env.close());

const requests = [
  {
    custom_id: "a",
    method: "POST",
    url: "/chat/completions",
    body: { model: "batch-mini", messages: [{ role: "user", content: "hi" }] },
  },
];

test("an upload over the 500 batch files of the resource fails the create, naming the bound and what to do; no batch is made", async () => {
  for (let start = 0; start < 500; start += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        env.client.files.create({ file: new File(["{}\n"], `old-${start + i}.jsonl`), purpose: "batch" }),
      ),
    );
  }
  const inputs = await env.checked({ endpoint: "/chat/completions", requests, resourceKey: "p/s/bound" });
  let thrown: unknown;
  try {
    await env.provider.create(inputs);
  } catch (error) {
    thrown = error;
  }
  expect(isBatchApiError(thrown)).toBe(true);
  if (!isBatchApiError(thrown)) return;
  expect(thrown.status).toBe(400);
  expect(thrown.id).toBeUndefined();
  expect(thrown.message).toContain(
    "Azure keeps at most 500 batch files per resource, output and error files included (10,000 when they carry expires_after), and the provider uploads its input files without an expiry. Delete the batch files the resource no longer needs",
  );
  expect(thrown.message).toContain(
    "or give the files uploaded outside this provider an expires_after of 14 to 30 days",
  );
  expect((await env.client.batches.list()).data).toEqual([]);
  expect(thrown.message).not.toContain(env.key);
}, 60_000);
