import { randomBytes } from "node:crypto";
import { type Emulator, startEmulator } from "pulumi-openai-batch/emulator";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { HostCallError, ProviderHost } from "../support/provider-host";
import { linkedProjectDir } from "../support/repo";
import { serializedProviderText } from "../support/serialized-provider";

const URN = "urn:pulumi:test::host::pulumi-nodejs:dynamic/openai:Batch::b";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const KEY = `sk-host-${randomBytes(12).toString("hex")}`;
/** The properties the package keeps for itself, by their own names. */
const INTERNAL = ["createToken", "resourceKey", "setMember", "stateVersion"];

const requests = [
  {
    custom_id: "a",
    method: "POST",
    url: "/v1/embeddings",
    body: { model: "text-embedding-3-small", input: "one" },
  },
  {
    custom_id: "b",
    method: "POST",
    url: "/v1/embeddings",
    body: { model: "text-embedding-3-small", input: "two" },
  },
];

describe("the real dynamic-provider host over gRPC", () => {
  let emulator: Emulator;
  let host: ProviderHost;
  let provider: string;

  beforeAll(async () => {
    emulator = await startEmulator({ apiKey: KEY, manualClock: true });
    provider = await serializedProviderText();
    host = await ProviderHost.start(linkedProjectDir("host-"), { PULUMI_OPENAI_BATCH_LOG: "debug" });
    await host.configure({ "openai:apiKey": KEY, "openai:baseUrl": emulator.url });
  });

  afterAll(async () => {
    await host?.stop();
    await emulator?.close();
  });

  const news = (extra: Record<string, unknown> = {}) => ({
    __provider: provider,
    endpoint: "/v1/embeddings",
    requests,
    resourceKey: "host/test/b",
    ...extra,
  });

  test("check returns every failure at once, with the property, and calls no API", async () => {
    emulator.clearCalls();
    const result = await host.check(URN, {}, news({ endpoint: "/v1/nope", completionWindow: "1h" }));
    expect(result.failures).toEqual([
      {
        property: "endpoint",
        reason:
          '"/v1/nope" is not an endpoint the Batch API runs; use one of "/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/moderations", "/v1/images/generations", "/v1/images/edits", "/v1/videos"',
      },
      {
        property: "completionWindow",
        reason: '"1h" is not a completion window the Batch API offers; use "24h"',
      },
    ]);
    expect(emulator.calls()).toEqual([]);
  });

  test("check accepts unknown values during preview", async () => {
    const result = await host.check(URN, {}, news({ requests: UNKNOWN }));
    expect(result.failures).toEqual([]);
    expect(result.inputs.inputSha256).toBeUndefined();
  });

  test("the whole life of a batch: create, diff, read, update, delete", async () => {
    emulator.clearCalls();
    const checked = await host.check(URN, {}, news());
    expect(checked.failures).toEqual([]);
    const created = await host.create(URN, checked.inputs);
    expect(created.id).toMatch(/^batch_/);
    expect(created.properties).toMatchObject({
      status: "validating",
      endpoint: "/v1/embeddings",
      uploadedInputFile: true,
      requestCount: 2,
      __stateVersion: 1,
      __provider: provider,
    });
    expect(JSON.stringify(created.properties)).not.toContain(KEY);
    // What the package keeps for itself goes under `__` names, which no plan shows.
    expect(created.properties.__createToken).toMatch(/^[0-9a-f]{32}$/);
    expect(created.properties.__resourceKey).toBe("host/test/b");
    expect(checked.inputs.__resourceKey).toBe("host/test/b");
    for (const name of INTERNAL) {
      expect(created.properties).not.toHaveProperty(name);
      expect(checked.inputs).not.toHaveProperty(name);
    }
    // The look-up for an earlier create's batch and the in-flight marker go beside the upload;
    // then the batch is created, and the marker is deleted as the create returns.
    const calls = emulator.calls().map((c) => `${c.method} ${c.path.replace(/file-\w+/, "{file}")}`);
    expect(calls.slice(0, 3).sort()).toEqual(["GET /v1/batches", "POST /v1/files", "POST /v1/files"]);
    expect(calls.slice(3)).toEqual(["POST /v1/batches", "DELETE /v1/files/{file}"]);

    const unchanged = await host.diff(URN, created.id, created.properties, checked.inputs);
    expect(unchanged).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
    const upgraded = await host.diff(URN, created.id, created.properties, {
      ...checked.inputs,
      __provider: `${provider}\n// another build`,
    });
    expect(upgraded.changes).toBe("none");
    const moved = await host.check(URN, checked.inputs, news({ endpoint: "/v1/chat/completions" }));
    // Each problem on the resource, led by its request's own path and custom_id: the engine prints
    // neither the whole array nor a nested path's value (which it cannot find).
    expect(moved.failures).toEqual(
      ["a", "b"].flatMap((id, index) => [
        {
          property: "",
          reason: `requests[${index}].url (custom_id "${id}"): url is "/v1/embeddings" but the batch endpoint is "/v1/chat/completions"; every line must use the batch's endpoint`,
        },
        {
          property: "",
          reason: `requests[${index}].body.messages (custom_id "${id}"): body.messages is missing; a /v1/chat/completions request needs messages`,
        },
      ]),
    );

    await emulator.advance(10_000);
    const read = await host.read(URN, created.id, created.properties);
    expect(read.id).toBe(created.id);
    expect(read.properties).toMatchObject({
      status: "completed",
      requestCounts: { total: 2, completed: 2, failed: 0 },
    });
    expect(read.properties.outputFileId).toMatch(/^file-/);
    expect(read.inputs).toMatchObject({ endpoint: "/v1/embeddings", requests });

    emulator.clearCalls();
    const updated = await host.update(URN, created.id, read.properties, {
      ...checked.inputs,
      pollIntervalSeconds: 5,
    });
    expect(updated).toMatchObject({
      status: "completed",
      pollIntervalSeconds: 5,
      outputFileId: read.properties.outputFileId,
    });
    expect(emulator.calls()).toEqual([]);

    await host.delete(URN, created.id, updated);
    // The input file deleted, then the files listed once for uploads earlier attempts left.
    expect(
      emulator.calls().map((c) => `${c.method} ${c.path.replace(/file-\w+/, "{file}")} ${c.status}`),
    ).toEqual(["DELETE /v1/files/{file} 200", "GET /v1/files 200"]);
  });

  test("a set's batch: its set member travels as __setMember, and a change of it alone changes nothing", async () => {
    const member = (batches: number) => ({
      setUrn: "urn:pulumi:test::host::pulumi-openai-batch:index:BatchSet::set",
      wave: 0,
      waves: 1,
      batches,
      requests: 2 * batches,
    });
    const checked = await host.check(URN, {}, news({ setMember: member(1) }));
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.__setMember).toEqual(member(1));
    expect(checked.inputs).not.toHaveProperty("setMember");
    const created = await host.create(URN, checked.inputs);
    expect(created.properties.__setMember).toEqual(member(1));
    const grown = await host.check(URN, checked.inputs, news({ setMember: member(3) }));
    expect(grown.inputs.__setMember).toEqual(member(3));
    expect(await host.diff(URN, created.id, created.properties, grown.inputs)).toEqual({
      changes: "none",
      replaces: [],
      deleteBeforeReplace: false,
    });
    await host.delete(URN, created.id, created.properties);
  });

  test("a batch an older release wrote keeps its internal properties under their plain names while they hold", async () => {
    const checked = await host.check(URN, {}, news());
    const created = await host.create(URN, checked.inputs);
    // The state as an older release wrote it: the same values under their plain names.
    const plain = (props: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(props).map(([name, value]) => [name.replace(/^__(?!provider$)/, ""), value]),
      );
    const olderInputs = plain(checked.inputs);
    const olderState = plain(created.properties);
    expect(olderState).toMatchObject({ createToken: created.properties.__createToken, stateVersion: 1 });
    const again = await host.check(URN, olderInputs, news());
    expect(again.inputs.resourceKey).toBe("host/test/b");
    expect(again.inputs).not.toHaveProperty("__resourceKey");
    const read = await host.read(URN, created.id, olderState);
    expect(read.properties).toMatchObject({
      createToken: olderState.createToken,
      resourceKey: "host/test/b",
    });
    expect(read.properties).not.toHaveProperty("__createToken");
    expect(read.inputs).toMatchObject({ resourceKey: "host/test/b" });
    // A value that changes moves to its `__` name.
    const moved = await host.check(URN, olderInputs, news({ resourceKey: "host/test/moved" }));
    expect(moved.inputs.__resourceKey).toBe("host/test/moved");
    expect(moved.inputs).not.toHaveProperty("resourceKey");
    emulator.clearCalls();
    await host.delete(URN, created.id, olderState);
    expect(emulator.calls().map((c) => `${c.method} ${c.path}`)).toContain(
      `DELETE /v1/files/${created.properties.inputFileId}`,
    );
  });

  test("a batch that fails while create waits is recorded, not orphaned: the host reports it as created but not initialised", async () => {
    const live = await startEmulator({ apiKey: KEY });
    const waiting = await ProviderHost.start(linkedProjectDir("host-wait-"));
    try {
      await waiting.configure({ "openai:apiKey": KEY, "openai:baseUrl": live.url });
      // A file uploaded outside Pulumi, whose content only the API's own validation can judge.
      const OpenAI = (await import("openai")).default;
      const client = new OpenAI({ apiKey: KEY, baseURL: live.url });
      const line = {
        custom_id: "x",
        method: "POST",
        url: "/v1/embeddings",
        body: { model: "m", input: "a" },
      };
      const file = await client.files.create({
        file: new File([`${JSON.stringify(line)}\n${JSON.stringify(line)}\n`], "dup.jsonl"),
        purpose: "batch",
      });
      const checked = await waiting.check(
        URN,
        {},
        {
          __provider: provider,
          endpoint: "/v1/embeddings",
          inputFileId: file.id,
          waitForCompletion: true,
          pollIntervalSeconds: 1,
        },
      );
      expect(checked.failures).toEqual([]);
      const caught = await waiting.create(URN, checked.inputs).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(caught).toBeInstanceOf(HostCallError);
      const failure = (caught as HostCallError).initFailure!;
      expect(failure.id).toMatch(/^batch_/);
      expect(failure.properties).toMatchObject({
        status: "failed",
        uploadedInputFile: false,
        inputFileId: file.id,
        __stateVersion: 1,
        __provider: provider,
      });
      expect(failure.properties).not.toHaveProperty("stateVersion");
      expect(failure.reasons).toHaveLength(1);
      expect(failure.reasons[0]).toMatch(new RegExp(`^Batch ${failure.id} failed: line 2: `));
      expect((caught as Error).message).toBe(failure.reasons[0]);
      // What the engine recorded works for the next refresh and destroy.
      const refreshed = await waiting.read(URN, failure.id, failure.properties);
      expect(refreshed).toMatchObject({
        id: failure.id,
        properties: { status: "failed", __provider: provider },
      });
      await waiting.delete(URN, failure.id, refreshed.properties);
      expect((await client.files.retrieve(file.id)).id).toBe(file.id);
    } finally {
      await waiting.stop();
      await live.close();
    }
  });

  test("a batch in which every request failed is recorded with its results summary, and the up fails", async () => {
    const live = await startEmulator({ apiKey: KEY, faults: [{ kind: "request_failure", statusCode: 500 }] });
    const waiting = await ProviderHost.start(linkedProjectDir("host-results-"));
    try {
      await waiting.configure({ "openai:apiKey": KEY, "openai:baseUrl": live.url });
      const checked = await waiting.check(URN, {}, news({ waitForCompletion: true, pollIntervalSeconds: 1 }));
      expect(checked.failures).toEqual([]);
      const caught = await waiting.create(URN, checked.inputs).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(caught).toBeInstanceOf(HostCallError);
      const failure = (caught as HostCallError).initFailure!;
      expect(failure.properties).toMatchObject({
        status: "completed",
        requestCounts: { total: 2, completed: 0, failed: 2 },
        resultsSummary: { succeeded: 0, failed: 2, errorCodes: { server_error: 2 } },
        attempts: [{ batchId: failure.id, status: "completed" }],
        __provider: provider,
      });
      expect(failure.reasons[0]).toMatch(
        new RegExp(
          `^Batch ${failure.id}: 2 of 2 requests did not succeed \\(0 succeeded, 2 failed\\); no request succeeded`,
        ),
      );
      // The next up (an update of the recorded resource) fails the same way; a refresh keeps the summary.
      const refreshed = await waiting.read(URN, failure.id, failure.properties);
      expect(refreshed.properties.resultsSummary).toEqual(failure.properties.resultsSummary);
      await expect(waiting.update(URN, failure.id, failure.properties, checked.inputs)).rejects.toThrow(
        "no request succeeded",
      );
      await waiting.delete(URN, failure.id, refreshed.properties);
    } finally {
      await waiting.stop();
      await live.close();
    }
  });

  test("a waiting resource with no results argument gets a results summary without downloading its output file", async () => {
    const live = await startEmulator({
      apiKey: KEY,
      faults: [{ kind: "request_failure", count: 1, statusCode: 500, errorCode: "server_error" }],
    });
    const waiting = await ProviderHost.start(linkedProjectDir("host-summary-"));
    try {
      await waiting.configure({ "openai:apiKey": KEY, "openai:baseUrl": live.url });
      const checked = await waiting.check(URN, {}, news({ waitForCompletion: true, pollIntervalSeconds: 1 }));
      expect(checked.failures).toEqual([]);
      const created = await waiting.create(URN, checked.inputs);
      expect(created.properties).toMatchObject({
        status: "completed",
        requestCounts: { total: 2, completed: 1, failed: 1 },
        resultsSummary: {
          succeeded: 1,
          failed: 1,
          expired: 0,
          cancelled: 0,
          missing: 0,
          errorCodes: { server_error: 1 },
        },
      });
      expect(created.properties).not.toHaveProperty("attempts");
      const outputFileId = created.properties.outputFileId as string;
      expect(outputFileId).toMatch(/^file-/);
      expect(live.calls().filter((call) => call.path.includes(outputFileId))).toEqual([]);
      // A refresh keeps it.
      const refreshed = await waiting.read(URN, created.id, created.properties);
      expect(refreshed.properties.resultsSummary).toEqual(created.properties.resultsSummary);
      await waiting.delete(URN, created.id, refreshed.properties);
    } finally {
      await waiting.stop();
      await live.close();
    }
  });

  test("a destroy deletes every input file the resource uploaded, the follow-up batches' included", async () => {
    const live = await startEmulator({
      apiKey: KEY,
      faults: [{ kind: "request_failure", count: 1, statusCode: 500, errorCode: "server_error" }],
    });
    const waiting = await ProviderHost.start(linkedProjectDir("host-follow-up-"));
    try {
      await waiting.configure({ "openai:apiKey": KEY, "openai:baseUrl": live.url });
      const checked = await waiting.check(
        URN,
        {},
        news({ waitForCompletion: true, pollIntervalSeconds: 1, retryFailedRequests: 1 }),
      );
      expect(checked.failures).toEqual([]);
      const created = await waiting.create(URN, checked.inputs);
      const attempts = created.properties.attempts as { inputFileId: string; status: string }[];
      expect(attempts.map((a) => a.status)).toEqual(["completed", "completed"]);
      const OpenAI = (await import("openai")).default;
      const client = new OpenAI({ apiKey: KEY, baseURL: live.url });
      const inputFiles = async () => (await client.files.list({ purpose: "batch" })).data.map((f) => f.id);
      expect((await inputFiles()).sort()).toEqual(attempts.map((a) => a.inputFileId).sort());

      await waiting.delete(URN, created.id, created.properties);
      expect(await inputFiles()).toEqual([]);
    } finally {
      await waiting.stop();
      await live.close();
    }
  });

  test("a destroy that meets a running follow-up cancels it and deletes its input file", async () => {
    const live = await startEmulator({
      apiKey: KEY,
      manualClock: true,
      faults: [{ kind: "request_failure", count: 1, statusCode: 500, errorCode: "server_error" }],
    });
    const own = await ProviderHost.start(linkedProjectDir("host-running-follow-up-"));
    try {
      await own.configure({ "openai:apiKey": KEY, "openai:baseUrl": live.url });
      const checked = await own.check(URN, {}, news({ retryFailedRequests: 1 }));
      expect(checked.failures).toEqual([]);
      const created = await own.create(URN, checked.inputs);
      // The first batch finishes with one failed request; a refresh sees it, and the next up
      // makes the follow-up, which runs on.
      await live.advance(60_000);
      const refreshed = await own.read(URN, created.id, created.properties);
      expect(refreshed.properties.status).toBe("completed");
      expect((await own.diff(URN, created.id, refreshed.properties, checked.inputs)).changes).toBe("some");
      const updated = await own.update(URN, created.id, refreshed.properties, checked.inputs);
      const attempts = updated.attempts as {
        batchId: string;
        inputFileId: string;
        status: string;
      }[];
      expect(attempts.map((a) => a.status)).toEqual(["completed", "validating"]);
      const followUp = attempts[1]!;
      await live.setBatchStatus(followUp.batchId, "in_progress", { stuck: true });
      const OpenAI = (await import("openai")).default;
      const client = new OpenAI({ apiKey: KEY, baseURL: live.url });
      expect((await client.batches.retrieve(followUp.batchId)).status).toBe("in_progress");
      const inputFiles = async () => (await client.files.list({ purpose: "batch" })).data.map((f) => f.id);
      expect((await inputFiles()).sort()).toEqual(attempts.map((a) => a.inputFileId).sort());

      await own.delete(URN, created.id, updated);
      expect((await client.batches.retrieve(followUp.batchId)).status).toBe("cancelling");
      expect(await inputFiles()).toEqual([]);
      await live.advance(60_000);
      expect((await client.batches.retrieve(followUp.batchId)).status).toBe("cancelled");
    } finally {
      await own.stop();
      await live.close();
    }
  });

  test("without a key, the first call that needs the API says how to set one, and the key never shows", async () => {
    const bare = await ProviderHost.start(linkedProjectDir("host-nokey-"));
    try {
      await bare.configure({});
      const checked = await bare.check(URN, {}, news());
      expect(checked.failures).toEqual([]);
      await expect(bare.create(URN, checked.inputs)).rejects.toThrow(
        "openai:apiKey: no OpenAI API key is set; run `pulumi config set --secret openai:apiKey <key>`, or set OPENAI_API_KEY in the environment that runs pulumi",
      );
    } finally {
      await bare.stop();
    }
    // The main host logged every call at debug level: method, path and status, never the key.
    expect(host.stderr()).toContain("[pulumi-openai-batch] debug: POST /v1/batches -> 200");
    expect(host.stderr()).not.toContain(KEY);
  });
});
