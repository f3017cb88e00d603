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

const CHAT = "/v1/chat/completions";
const chatRequests = (prefix: string, limits: (number | undefined)[]) =>
  limits.map((limit, i) => ({
    custom_id: `${prefix}-${i}`,
    method: "POST",
    url: CHAT,
    body: {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: `question ${i}?` }],
      ...(limit === undefined ? {} : { max_tokens: limit }),
    },
  }));

test("a set's batches leave the warning about unbounded output to the set, which says it once; a plain Batch keeps its own", async () => {
  const warnings: [string, string | undefined][] = [];
  const setWarnings: [string, string][] = [];
  env = await providerWithEmulator({
    deps: {
      warning: (message, urn) => warnings.push([message, urn]),
      sets: new SetProgressBoard(
        () => {},
        (message, urn) => setWarnings.push([message, urn]),
      ),
    },
  });
  const inSet = (name: string, limits: (number | undefined)[]) =>
    env.checked({
      endpoint: CHAT,
      requests: chatRequests(name, limits),
      resourceKey: `proj/dev/${name}@${SET_URN}`,
      setMember: member,
    });
  await inSet("docs-a", [undefined, 20]);
  expect(setWarnings).toEqual([]);
  await inSet("docs-b", [10, 10, 10]);
  expect(warnings).toEqual([]);
  expect(setWarnings).toEqual([
    [
      "1 of 5 requests in 1 of 2 batches sets no output limit, so output is unbounded; set max_tokens (max_completion_tokens, max_output_tokens) on each request, or assumedOutputTokensPerRequest",
      SET_URN,
    ],
  ]);

  await env.checked({
    endpoint: CHAT,
    requests: chatRequests("alone", [undefined]),
    resourceKey: "proj/dev/alone",
  });
  expect(warnings).toEqual([
    [
      "requests: 1 of 1 request sets no output limit, so output is unbounded; set max_tokens (max_completion_tokens, max_output_tokens) on each request, or assumedOutputTokensPerRequest",
      "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/openai:Batch::alone",
    ],
  ]);
  expect(setWarnings).toHaveLength(1);
});

test("a set's batch says nothing of its follow-ups on its own row: the set's line counts them; a plain Batch keeps its follow-up line", async () => {
  const failTwo = {
    faults: [{ kind: "request_failure" as const, count: 2, statusCode: 503, errorCode: "server_error" }],
  };
  const setLines: [string, boolean][] = [];
  env = await providerWithEmulator({
    emulator: failTwo,
    deps: { sets: new SetProgressBoard((line, _urn, lasting) => setLines.push([line, lasting])) },
  });
  const only: SetMember = { ...member, batches: 1, requests: 4 };
  const child = await env.checked({
    endpoint: EMBEDDINGS,
    requests: embeddingRequests(4),
    resourceKey: `proj/dev/docs-a@${SET_URN}`,
    setMember: only,
    waitForCompletion: true,
    retryFailedRequests: 1,
  });
  const { outs } = await env.provider.create(child);
  expect((outs as BatchOutputs).attempts).toHaveLength(2);
  expect(env.progress).toEqual([]);
  expect(setLines).toContainEqual([
    "wave 1/1: 1/1 batches done, 4/4 requests done, 2 failed, 1 follow-up running, 2 requests",
    false,
  ]);
  expect(setLines.at(-1)).toEqual(["wave 1/1: 1/1 batches done, 4/4 requests done, 2 failed", true]);
  await env.close();

  env = await providerWithEmulator({ emulator: failTwo });
  const plain = await env.checked({
    endpoint: EMBEDDINGS,
    requests: embeddingRequests(4),
    resourceKey: "proj/dev/alone",
    waitForCompletion: true,
    retryFailedRequests: 1,
  });
  await env.provider.create(plain);
  expect(env.progress).toContainEqual(
    expect.stringMatching(
      /^alone: follow-up 1 of 1 \(batch_\w+\): 2 requests that did not succeed \(server_error 2\)$/,
    ),
  );
});
