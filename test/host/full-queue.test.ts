/**
 * A batch that does not wait and that the API fails with `token_limit_exceeded` (the
 * enqueued-token limit for the model was full), through the real dynamic-provider host: a refresh
 * records the failure and warns, the next `up`'s diff plans a replace, and the replacement runs
 * under the same create token once the queue has drained, while the delete of the failed batch
 * leaves the new one and its input alone.
 */
import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { type Emulator, startEmulator } from "pulumi-openai-batch/emulator";
import { afterAll, beforeAll, expect, test } from "vitest";
import { CREATE_TOKEN_METADATA_KEY } from "../../provider/contract";
import { tallyLines } from "../../provider/cost/tally";
import { ProviderHost } from "../support/provider-host";
import { linkedProjectDir } from "../support/repo";
import { serializedProviderText } from "../support/serialized-provider";

const URN = "urn:pulumi:test::host::pulumi-nodejs:dynamic/openai:Batch::queued";
const KEY = `sk-host-${randomBytes(12).toString("hex")}`;
const CHAT = "/v1/chat/completions";

const request = (id: string, text: string) => ({
  custom_id: id,
  method: "POST",
  url: CHAT,
  body: { model: "gpt-4o-mini", messages: [{ role: "user", content: text }], max_tokens: 5 },
});
/** A batch outside Pulumi that fills the queue exactly: the limit is its tokens. */
const FILLER = Array.from({ length: 20 }, (_, i) => request(`filler-${i}`, `Filler question ${i}.`));
const LIMIT = tallyLines(
  FILLER.map((line) => JSON.stringify(line)),
  CHAT,
).inputTokens;

let emulator: Emulator;
let client: OpenAI;
let host: ProviderHost;
let provider: string;

beforeAll(async () => {
  emulator = await startEmulator({
    apiKey: KEY,
    manualClock: true,
    enqueuedTokenLimits: { "gpt-4o-mini": LIMIT },
  });
  client = new OpenAI({ baseURL: emulator.url, apiKey: KEY, maxRetries: 0 });
  provider = await serializedProviderText();
  host = await ProviderHost.start(linkedProjectDir("host-queue-"), { PULUMI_OPENAI_BATCH_LOG: "warn" });
  await host.configure({ "openai:apiKey": KEY, "openai:baseUrl": emulator.url });
});

afterAll(async () => {
  await host?.stop();
  await emulator?.close();
});

test("a batch that did not wait and failed on a full queue is replaced by the next up, under the same create token", async () => {
  const file = await client.files.create({
    file: new File([FILLER.map((line) => `${JSON.stringify(line)}\n`).join("")], "filler.jsonl"),
    purpose: "batch",
  });
  const filler = await client.batches.create({
    input_file_id: file.id,
    endpoint: CHAT,
    completion_window: "24h",
  });
  await emulator.setBatchStatus(filler.id, "in_progress", { stuck: true });

  const checked = await host.check(
    URN,
    {},
    {
      __provider: provider,
      endpoint: CHAT,
      requests: [request("q-1", "Is the queue full?")],
      resourceKey: "host/test/queued",
    },
  );
  expect(checked.failures).toEqual([]);
  const created = await host.create(URN, checked.inputs);
  expect(created.properties.status).toBe("validating");
  await emulator.advance(10_000);

  const refreshed = await host.read(URN, created.id, created.properties);
  expect(refreshed.properties).toMatchObject({
    status: "failed",
    errors: [{ code: "token_limit_exceeded" }],
  });
  expect(host.stderr()).toContain(
    `batch ${created.id} failed with token_limit_exceeded: the enqueued-token limit for the model was full when the API validated it; the next \`pulumi up\` replaces it`,
  );
  const diff = await host.diff(URN, created.id, refreshed.properties, checked.inputs);
  expect(diff).toEqual({ changes: "some", replaces: ["status"], deleteBeforeReplace: false });

  // The queue drains; the engine creates the replacement first, then deletes the failed batch.
  await emulator.setBatchStatus(filler.id, "completed");
  const replacement = await host.create(URN, checked.inputs);
  expect(replacement.id).not.toBe(created.id);
  await host.delete(URN, created.id, refreshed.properties);
  await emulator.advance(60_000);
  const again = await host.read(URN, replacement.id, replacement.properties);
  expect(again.properties).toMatchObject({
    status: "completed",
    requestCounts: { total: 1, completed: 1, failed: 0 },
  });
  const tokenOf = async (id: string) =>
    (await client.batches.retrieve(id)).metadata?.[CREATE_TOKEN_METADATA_KEY];
  expect(await tokenOf(replacement.id)).toBe(await tokenOf(created.id));
  expect((await client.files.retrieve(replacement.properties.inputFileId as string)).id).toBe(
    replacement.properties.inputFileId,
  );

  const settled = await host.diff(URN, replacement.id, again.properties, checked.inputs);
  expect(settled.changes).toBe("none");
});

test("diff replaces a batch failed on a full queue, and only that one", async () => {
  const checked = await host.check(
    URN,
    {},
    {
      __provider: provider,
      endpoint: CHAT,
      requests: [request("q-2", "Fine?")],
      resourceKey: "host/test/other",
    },
  );
  const failedWith = (code: string) => ({
    ...checked.inputs,
    uploadedInputFile: true,
    status: "failed",
    errors: [{ code, message: "refused" }],
  });
  expect(await host.diff(URN, "batch_x", failedWith("invalid_request"), checked.inputs)).toEqual({
    changes: "none",
    replaces: [],
    deleteBeforeReplace: false,
  });
  expect(await host.diff(URN, "batch_x", failedWith("token_limit_exceeded"), checked.inputs)).toEqual({
    changes: "some",
    replaces: ["status"],
    deleteBeforeReplace: false,
  });
});
