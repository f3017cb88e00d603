import { afterEach, describe, expect, test } from "vitest";
import { createTokenOf } from "../../provider/runtime/create-token";
import { isUploadOf, uploadFilename } from "../../provider/runtime/own-uploads";
import { serializeRequests } from "../../provider/validation/jsonl/serialize";
import { EMBEDDINGS, embeddingRequests, type ProviderUnderTest, providerWithEmulator } from "./harness";

const TOKEN = "0123456789abcdef0123456789abcdef";
const OTHER = "fedcba9876543210fedcba9876543210";

describe("upload names", () => {
  test("carry the create token and a part of the attempt's own", () => {
    const name = uploadFilename("requests", TOKEN);
    expect(name).toMatch(/^requests\.0123456789abcdef0123456789abcdef\.[0-9a-f]{12}\.jsonl$/);
    expect(uploadFilename("requests", TOKEN)).not.toBe(name);
  });

  test.each([
    [`requests.${TOKEN}.a1b2c3d4e5f6.jsonl`, true],
    [`my.docs.${TOKEN}.a1b2c3d4e5f6.jsonl`, true],
    [`requests.${OTHER}.a1b2c3d4e5f6.jsonl`, false],
    [`requests.${TOKEN}.a1b2c3d4e5.jsonl`, false],
    [`requests.${TOKEN}.A1B2C3D4E5F6.jsonl`, false],
    [`requests.x${TOKEN.slice(1)}.a1b2c3d4e5f6.jsonl`, false],
    ["requests.a1b2c3d4e5f6a1b2.jsonl", false],
    [`${TOKEN}.a1b2c3d4e5f6.jsonl`, false],
  ])("%s belongs to the token: %s", (filename, expected) => {
    expect(isUploadOf(filename, TOKEN)).toBe(expected);
  });
});

describe("a delete removes the resource's own uploads that no batch uses", () => {
  let env: ProviderUnderTest;
  afterEach(async () => {
    await env?.close();
  });

  async function upload(filename: string) {
    const file = new File([serializeRequests(embeddingRequests(1))], filename);
    return env.client.files.create({ file, purpose: "batch" });
  }

  test("a leftover of an earlier attempt goes; another resource's upload and a user's file stay", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      resourceKey: "p/s/a",
    });
    const token = createTokenOf(inputs)!;
    const leftover = await upload(`requests.${token}.0a0a0a0a0a0a.jsonl`);
    const others = await upload(`requests.${OTHER}.0b0b0b0b0b0b.jsonl`);
    const users = await upload("mine.jsonl");
    const { id, outs } = await env.provider.create(inputs);
    await env.provider.delete!(id, outs!);
    const left = (await env.batchFiles()).map((f) => f.id).sort();
    expect(left).toEqual([others.id, users.id].sort());
    expect(left).not.toContain(leftover.id);
  });

  test("an upload of the token that another running batch reads stays", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      resourceKey: "p/s/b",
    });
    const token = createTokenOf(inputs)!;
    const { id, outs } = await env.provider.create(inputs);
    // A second running batch of the same token, made after this resource's (as by a replacement
    // that could not adopt), reads an upload named after the token.
    const read = await upload(`requests.${token}.0c0c0c0c0c0c.jsonl`);
    const other = await env.client.batches.create({
      input_file_id: read.id,
      endpoint: EMBEDDINGS,
      completion_window: "24h",
      metadata: { pulumi_openai_batch_token: token },
    });
    await env.provider.delete!(id, outs!);
    expect((await env.client.batches.retrieve(id)).status).toMatch(/^cancel/);
    expect((await env.client.batches.retrieve(other.id)).status).toBe("validating");
    expect((await env.batchFiles()).map((f) => f.id)).toEqual([read.id]);
  });

  test("an update that resumes a wait removes a leftover too; an in-place change without a wait calls no API", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      resourceKey: "p/s/c",
    });
    const { id, outs } = await env.provider.create(inputs);
    const leftover = await upload(`requests.${createTokenOf(inputs)}.0d0d0d0d0d0d.jsonl`);
    env.emulator.clearCalls();
    await env.provider.update!(id, outs!, { ...inputs, pollIntervalSeconds: 7 });
    expect(env.emulator.calls()).toEqual([]);
    expect((await env.batchFiles()).map((f) => f.id)).toContain(leftover.id);

    const resumed = await env.provider.update!(id, outs!, { ...inputs, waitForCompletion: true });
    expect(resumed.outs?.status).toBe("completed");
    expect((await env.batchFiles()).map((f) => f.id)).toEqual([outs!.inputFileId]);
  });
});
