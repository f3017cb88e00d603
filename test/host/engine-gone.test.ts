/**
 * A provider stops once the engine that started it is gone: Pulumi's dynamic-provider host in the
 * middle of a create's wait, and the package's plugin, each given the address of a stand-in
 * engine that the test then shuts down, as a killed engine goes: the host exits, and the create
 * it was running ends with it.
 */
import { randomBytes } from "node:crypto";
import { type Emulator, startEmulator } from "pulumi-openai-batch/emulator";
import { afterAll, beforeAll, expect, test } from "vitest";
import { PLUGIN_HOST, ProviderHost } from "../support/provider-host";
import { linkedProjectDir } from "../support/repo";
import { serializedProviderText } from "../support/serialized-provider";

const URN = "urn:pulumi:test::host::pulumi-nodejs:dynamic/openai:Batch::b";
const KEY = `sk-host-${randomBytes(12).toString("hex")}`;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ apiKey: KEY, manualClock: true });
});
afterAll(async () => {
  await emulator?.close();
});

/** Resolves once `done()` holds, checking every 50 ms (the test's timeout bounds it). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 50));
}

test("the dynamic-provider host exits once its engine is gone, in the middle of a create's wait", async () => {
  const host = await ProviderHost.start(linkedProjectDir("host-engine-gone-"));
  try {
    await host.configure({ "openai:apiKey": KEY, "openai:baseUrl": emulator.url });
    const checked = await host.check(
      URN,
      {},
      {
        __provider: await serializedProviderText(),
        endpoint: "/v1/embeddings",
        requests: [{ custom_id: "a", body: { model: "text-embedding-3-small", input: "one" } }],
        resourceKey: "host/test/b",
        waitForCompletion: true,
        pollIntervalSeconds: 1,
      },
    );
    expect(checked.failures).toEqual([]);
    emulator.clearCalls();
    const creating = host.create(URN, checked.inputs).then(
      () => "returned",
      () => "failed",
    );
    // The emulator's clock stands still: the batch stays validating, and the create polls it.
    const polls = () => emulator.calls().filter((c) => /^\/v1\/batches\/batch_\w+$/.test(c.path));
    await until(() => polls().length >= 2);
    host.killEngine();
    expect(await host.exited()).toBe(1);
    expect(await creating).toBe("failed");
  } finally {
    await host.stop();
  }
}, 60_000);

test("the provider plugin exits once its engine is gone", async () => {
  const host = await ProviderHost.start(linkedProjectDir("plugin-engine-gone-"), {}, PLUGIN_HOST);
  try {
    host.killEngine();
    expect(await host.exited()).toBe(1);
  } finally {
    await host.stop();
  }
}, 60_000);
