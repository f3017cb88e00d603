/**
 * A state written by a release that returned the create token from `check`: the token is among
 * its inputs as well as its outputs. This release keeps it out of the inputs (a plan would show
 * it), and still diffs, updates and deletes such a resource by the token it was made with.
 */
import { afterEach, expect, test } from "vitest";
import type { BatchInputs, BatchOutputs } from "../../provider/contract";
import { createTokenOf } from "../../provider/runtime/create-token";
import { serializeRequests } from "../../provider/validation/jsonl/serialize";
import { EMBEDDINGS, embeddingRequests, type ProviderUnderTest, providerWithEmulator } from "./harness";

let env: ProviderUnderTest;
afterEach(async () => {
  await env?.close();
});

const NEWS = { endpoint: EMBEDDINGS, requests: embeddingRequests(2), resourceKey: "p/s/older" };

/** A resource as the older release recorded it: its inputs and outputs both carry the token. */
async function olderResource() {
  const checked = await env.checked(NEWS);
  const token = createTokenOf(checked)!;
  const inputs: BatchInputs = { ...checked, createToken: token };
  const { id, outs } = await env.provider.create(inputs);
  expect(outs?.createToken).toBe(token);
  return { id, inputs, outs: outs as BatchOutputs, token };
}

test("a new check leaves the older token in the inputs while it holds, so a plan shows no change of it", async () => {
  env = await providerWithEmulator();
  const older = await olderResource();
  const same = await env.provider.check(older.inputs, { ...NEWS, waitTimeoutSeconds: 600 } as never);
  expect(same.inputs?.createToken).toBe(older.token);
  // Another input makes another batch: the token goes from the inputs, as the batch is replaced.
  const other = await env.provider.check(older.inputs, {
    ...NEWS,
    requests: embeddingRequests(3),
  } as never);
  expect(other.failures).toEqual([]);
  expect(other.inputs).not.toHaveProperty("createToken");
  expect(await env.provider.diff(older.id, older.outs, other.inputs as BatchInputs)).toMatchObject({
    changes: true,
    replaces: ["requests"],
  });
  // A fresh check (no older inputs) has no token at all.
  expect(await env.checked(NEWS)).not.toHaveProperty("createToken");
});

test("an in-place update keeps the token in the outputs, and the delete then finds the resource's uploads by it", async () => {
  env = await providerWithEmulator();
  const older = await olderResource();
  const news = await env.checked({ ...NEWS, pollIntervalSeconds: 7 });
  expect(await env.provider.diff(older.id, older.outs, news)).toEqual({
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
  const { outs } = await env.provider.update(older.id, older.outs, news);
  expect(outs?.createToken).toBe(older.token);
  expect(outs?.pollIntervalSeconds).toBe(7);

  // A leftover upload of an earlier attempt carries the token in its name; only the token finds it.
  const file = new File(
    [serializeRequests(embeddingRequests(1))],
    `requests.${older.token}.0d0d0d0d0d0d.jsonl`,
  );
  await env.client.files.create({ file, purpose: "batch" });
  await env.provider.delete(older.id, outs as BatchOutputs);
  expect((await env.client.batches.retrieve(older.id)).status).toMatch(/^cancel/);
  expect(await env.batchFiles()).toEqual([]);
});

test("a refresh hands back the inputs without the token and keeps it in the outputs", async () => {
  env = await providerWithEmulator();
  const older = await olderResource();
  const read = await env.provider.read(older.id, older.outs);
  expect(read.props?.createToken).toBe(older.token);
  expect((read as { inputs?: BatchInputs }).inputs).not.toHaveProperty("createToken");
  expect((read as { inputs?: BatchInputs }).inputs).toMatchObject({ resourceKey: NEWS.resourceKey });
});
