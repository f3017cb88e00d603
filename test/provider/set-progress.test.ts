/**
 * The batches of a `BatchSet` against the emulator: their waits write no line of their own but
 * report on the set's row, and a batch that the up leaves alone counts there as its state says.
 */
import { afterEach, expect, test } from "vitest";
import type { BatchOutputs, SetMember } from "../../provider/contract";
import { SetProgressBoard } from "../../provider/set-progress";
import { EMBEDDINGS, embeddingRequests, type ProviderUnderTest, providerWithEmulator } from "./harness";

const SET_URN = "urn:pulumi:dev::proj::pulumi-openai-batch:index:BatchSet::docs";
const member: SetMember = { setUrn: SET_URN, wave: 0, waves: 1, batches: 2, requests: 5 };

let env: ProviderUnderTest;
afterEach(async () => {
  await env?.close();
});

test("a set's batch writes its progress on the set's row, not its own; a plain Batch keeps its lines", async () => {
  const setLines: [string, string, boolean][] = [];
  env = await providerWithEmulator({
    deps: { sets: new SetProgressBoard((line, urn, lasting) => setLines.push([line, urn, lasting])) },
  });
  const inSet = (name: string, count: number) =>
    env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(count),
      resourceKey: `proj/dev/${name}@${SET_URN}`,
      setMember: member,
      waitForCompletion: true,
      pollIntervalSeconds: 60,
    });

  // The first batch finished in an earlier up and is left alone: its diff finds no change.
  const first = await inSet("docs-a", 2);
  const before = await env.provider.create({ ...first, waitForCompletion: false });
  await env.emulator.setBatchStatus(before.id, "completed");
  const finished = {
    ...before.outs,
    status: "completed",
    requestCounts: { total: 2, completed: 2, failed: 0 },
  };
  const diff = await env.provider.diff(before.id, finished as BatchOutputs, {
    ...first,
    waitForCompletion: false,
  });
  expect(diff.changes).toBe(false);
  expect(setLines).toEqual([]);

  const second = await inSet("docs-b", 3);
  const { outs } = await env.provider.create(second);
  expect(outs).toMatchObject({ status: "completed", setMember: member });
  expect(env.progress).toEqual([]);
  expect(setLines.length).toBeGreaterThan(0);
  expect(setLines.every(([, urn]) => urn === SET_URN)).toBe(true);
  expect(setLines.at(-1)).toEqual(["wave 1/1: 2/2 batches done, 5/5 requests done", SET_URN, true]);

  const plain = await env.checked({
    endpoint: EMBEDDINGS,
    requests: embeddingRequests(1),
    resourceKey: "proj/dev/alone",
    waitForCompletion: true,
    pollIntervalSeconds: 60,
  });
  const lines = setLines.length;
  await env.provider.create(plain);
  expect(env.progress.at(-1)).toMatch(/^alone: batch_\w+ completed: 1\/1 done$/);
  expect(setLines.length).toBe(lines);
});
