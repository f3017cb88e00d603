/**
 * The plugin's provider (the `@pulumi/pulumi/provider` interface over the runtime) against the
 * emulator over HTTP: settings from `PULUMI_CONFIG` with the environment as fallback, secret
 * wrappers unwrapped, the create token keyed by the URN, and a read with nothing but an id (what
 * `pulumi import` does).
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, test } from "vitest";
import type { BatchInputs } from "../../provider/contract";
import { type Emulator, startEmulator } from "../../provider/emulator";
import { createPluginProvider } from "../../provider/plugin/provider";
import { createTokenOf } from "../../provider/runtime/create-token";

const URN = "urn:pulumi:dev::proj::openai-batch:index:Batch::nightly";
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const requests = [
  {
    custom_id: "a",
    method: "POST",
    url: "/v1/chat/completions",
    body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
  },
];

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(): Promise<{ emulator: Emulator; key: string }> {
  const key = `sk-plugin-${randomBytes(12).toString("hex")}`;
  emulator = await startEmulator({ manualClock: true, apiKey: key });
  return { emulator, key };
}

function pluginWith(env: Record<string, string>, em: Emulator) {
  return createPluginProvider("9.9.9", {
    env,
    cwd: () => process.cwd(),
    now: () => em.now(),
    sleep: (ms) => em.advance(ms),
    random: () => 0,
  });
}

describe("the plugin's provider", () => {
  test("takes the key from PULUMI_CONFIG before the environment, unwraps secret inputs, and keys the create token by URN", async () => {
    const { emulator: em, key } = await start();
    const plugin = pluginWith(
      {
        PULUMI_CONFIG: JSON.stringify({ apiKey: key, baseUrl: em.url }),
        OPENAI_API_KEY: "sk-wrong-from-the-environment",
      },
      em,
    );
    const checked = await plugin.check!(
      URN,
      {},
      {
        endpoint: "/v1/chat/completions",
        requests,
        metadata: { ...SECRET, value: { team: "search" } },
      },
    );
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.metadata).toEqual({ team: "search" });
    expect(checked.inputs.resourceKey).toBe(URN);
    // The create token is no input (a plan would show it): the create works it out and records it.
    expect(checked.inputs).not.toHaveProperty("createToken");
    const created = await plugin.create!(URN, checked.inputs);
    expect(created.outs.createToken).toMatch(/^[0-9a-f]{32}$/);
    expect(created.id).toMatch(/^batch_/);
    expect(created.outs.metadata).toEqual({ team: "search" });
    expect(JSON.stringify(created.outs)).not.toContain(key);
    const batch = em.calls().find((call) => call.method === "POST" && call.path === "/v1/batches");
    expect(batch).toBeDefined();

    // Another resource name: another token, so it never adopts the first resource's batch.
    const other = await plugin.check!(`${URN}-2`, {}, { endpoint: "/v1/chat/completions", requests });
    expect(createTokenOf(other.inputs as BatchInputs)).not.toBe(created.outs.createToken);
  });

  test("falls back to OPENAI_API_KEY and OPENAI_BASE_URL", async () => {
    const { emulator: em, key } = await start();
    const plugin = pluginWith({ PULUMI_CONFIG: "{}", OPENAI_API_KEY: key, OPENAI_BASE_URL: em.url }, em);
    const checked = await plugin.check!(URN, {}, { endpoint: "/v1/chat/completions", requests });
    const created = await plugin.create!(URN, checked.inputs);
    expect(created.outs.status).toBe("validating");
  });

  test("reads a batch from its id alone, with inputs that describe it (import)", async () => {
    const { emulator: em, key } = await start();
    const plugin = pluginWith({ PULUMI_CONFIG: JSON.stringify({ apiKey: key, baseUrl: em.url }) }, em);
    const checked = await plugin.check!(URN, {}, { endpoint: "/v1/embeddings", inputFileId: "missing" });
    expect(checked.failures).toEqual([]);
    const file = await fetch(`${em.url}/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
      body: (() => {
        const form = new FormData();
        form.append("purpose", "batch");
        const line = {
          custom_id: "e",
          method: "POST",
          url: "/v1/embeddings",
          body: { model: "text-embedding-3-small", input: "x" },
        };
        form.append("file", new Blob([`${JSON.stringify(line)}\n`]), "in.jsonl");
        return form;
      })(),
    }).then((response) => response.json() as Promise<{ id: string }>);
    const made = await fetch(`${em.url}/batches`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        input_file_id: file.id,
        endpoint: "/v1/embeddings",
        completion_window: "24h",
        metadata: { owner: "ops" },
      }),
    }).then((response) => response.json() as Promise<{ id: string }>);

    const read = await plugin.read!(made.id, "urn:pulumi:dev::proj::openai-batch:index:Batch::adopted", {});
    expect(read.id).toBe(made.id);
    expect(read.inputs).toEqual({
      endpoint: "/v1/embeddings",
      inputFileId: file.id,
      completionWindow: "24h",
      metadata: { owner: "ops" },
    });
    expect(read.props).toMatchObject({ status: "validating", stateVersion: 1, uploadedInputFile: false });

    // An id the API does not know is refused with a message that names it, as for Batch.get.
    await expect(plugin.read!("batch_missing", URN, {})).rejects.toThrow(
      'the API has no batch "batch_missing" (it answered 404 Not Found); check the id given to Batch.get or pulumi import',
    );
  });

  test("serves the schema and rejects another resource type", async () => {
    const { emulator: em } = await start();
    const plugin = pluginWith({}, em);
    expect(plugin.version).toBe("9.9.9");
    const schema = JSON.parse(await plugin.getSchema!()) as { name: string; version: string };
    expect([schema.name, schema.version]).toEqual(["openai-batch", "9.9.9"]);
    await expect(plugin.check!("urn:pulumi:dev::proj::openai-batch:index:Other::x", {}, {})).rejects.toThrow(
      "unknown resource type openai-batch:index:Other; this provider serves openai-batch:index:Batch and openai-batch:index:BatchSetResults",
    );
  });
});
