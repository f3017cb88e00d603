/**
 * A compatible backend whose batches keep no metadata (Together's, or `batchMetadata: false`):
 * the create token travels in the input file's name, so a create whose answer was lost finds the
 * batch it made by that file, and makes no second one. Against the emulator over HTTP, with the
 * provider set to ignore the metadata the emulator keeps.
 */
import { afterEach, expect, test } from "vitest";
import type { FaultRule } from "../../provider/emulator";
import { type ProviderUnderTest, providerWithEmulator } from "./harness";

let env: ProviderUnderTest | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const requests = Array.from({ length: 3 }, (_, i) => ({
  custom_id: `c-${i + 1}`,
  method: "POST" as const,
  url: "/v1/chat/completions",
  body: { model: "llama-3-8b", max_tokens: 8, messages: [{ role: "user", content: `hello ${i + 1}` }] },
}));

test.each([
  [
    "a 500 after the batch was created",
    { method: "POST", path: "/v1/batches", kind: "server_error_after", count: 1 },
  ],
  [
    "a dropped connection on create",
    { method: "POST", path: "/v1/batches", kind: "drop_connection", count: 1 },
  ],
] as [string, FaultRule][])(
  "without batch metadata, %s makes no second batch: the input file carries the token",
  async (_name, fault) => {
    env = await providerWithEmulator({
      config: {
        "openai:backend": "compatible",
        "openai:batchMetadata": "false",
        "openai:prices": JSON.stringify({ "llama-3-8b": { input: 0.1, output: 0.1 } }),
      },
    });
    const inputs = await env.checked({
      endpoint: "/v1/chat/completions",
      requests,
      resourceKey: "p/s/compat",
    });
    env.emulator.setFaults([fault]);
    const { id } = await env.provider.create(inputs);
    env.emulator.setFaults([]);
    expect(env.emulator.calls().filter((c) => c.fault !== undefined)).toHaveLength(1);
    const batches = (await env.client.batches.list({ limit: 100 })).data;
    expect(batches.map((b) => b.id)).toEqual([id]);
    expect(await env.batchFiles()).toHaveLength(1);
  },
);
