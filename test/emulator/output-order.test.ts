/**
 * The order of the lines in output and error files. The real API does not promise the input's
 * order, so by default the emulator writes them in a seeded order in which no line keeps its
 * place; `outputOrder: "input"` gives the input's order for the tests that need it.
 */
import { afterEach, describe, expect, test } from "vitest";
import type { EmulatorOptions } from "../../provider/emulator";
import { cyclicOrder } from "../../provider/emulator/execution/output-order";
import { seededRandom } from "../../provider/emulator/faults/prng";
import {
  chatBody,
  createBatch,
  fileLines,
  requestLine,
  startTestEmulator,
  type TestEmulator,
} from "./support/harness";

const COUNT = 12;
/** Every third request is refused by the endpoint, so that both files have several lines. */
const refused = (index: number) => index % 3 === 2;
const input = Array.from({ length: COUNT }, (_, index) =>
  requestLine(`req-${index + 1}`, undefined, {
    ...chatBody(`text ${index + 1}`),
    ...(refused(index) ? { __emulator_fail: true } : {}),
  }),
).join("\n");
const inputIds = Array.from({ length: COUNT }, (_, index) => `req-${index + 1}`);
const succeededInInputOrder = inputIds.filter((_, index) => !refused(index));
const refusedInInputOrder = inputIds.filter((_, index) => refused(index));

let envs: TestEmulator[] = [];
afterEach(async () => {
  await Promise.all(envs.map((env) => env.close()));
  envs = [];
});

/** The custom_ids of a finished batch's output file and error file, in file order. */
async function filesOrder(options: EmulatorOptions): Promise<{ output: string[]; error: string[] }> {
  const env = await startTestEmulator(options);
  envs.push(env);
  const created = await createBatch(env.client, input);
  await env.emulator.advance(60_000);
  const batch = await env.client.batches.retrieve(created.id);
  expect(batch.status).toBe("completed");
  const ids = async (fileId: string | null | undefined) =>
    (await fileLines(env.client, fileId as string)).map((line) => line.custom_id as string);
  return { output: await ids(batch.output_file_id), error: await ids(batch.error_file_id) };
}

/** The positions at which `order` has the same custom_id as `reference`. */
const samePlaces = (order: string[], reference: string[]) =>
  order.map((id, index) => (id === reference[index] ? index : -1)).filter((index) => index !== -1);

describe("the order of output and error lines", () => {
  test("by default, every line of both files is somewhere other than its input place, and none is lost", async () => {
    const { output, error } = await filesOrder({});
    expect([...output].sort()).toEqual([...succeededInInputOrder].sort());
    expect([...error].sort()).toEqual([...refusedInInputOrder].sort());
    expect(samePlaces(output, succeededInInputOrder)).toEqual([]);
    expect(samePlaces(error, refusedInInputOrder)).toEqual([]);
  });

  test("the order is the seed's: the same seed gives the same order, run after run; another seed another", async () => {
    const first = await filesOrder({ outputOrderSeed: 7 });
    const again = await filesOrder({ outputOrderSeed: 7 });
    const other = await filesOrder({ outputOrderSeed: 8 });
    expect(again).toEqual(first);
    expect(other.output).not.toEqual(first.output);
    expect(await filesOrder({})).toEqual(await filesOrder({ outputOrderSeed: 1 }));
  });

  test('outputOrder "input" keeps the input order', async () => {
    expect(await filesOrder({ outputOrder: "input" })).toEqual({
      output: succeededInInputOrder,
      error: refusedInInputOrder,
    });
  });

  test("a cancelled batch's partial output and an expired batch's error file are shuffled too", async () => {
    const env = await startTestEmulator({
      durations: { validatingMs: 0, inProgressMs: 12_000, finalizingMs: 0, cancellingMs: 1_000 },
    });
    envs.push(env);
    const cancelled = await createBatch(env.client, input);
    await env.emulator.advance(6_000);
    await env.client.batches.cancel(cancelled.id);
    await env.emulator.advance(1_000);
    const partial = await env.client.batches.retrieve(cancelled.id);
    expect(partial.status).toBe("cancelled");
    const ran = (await fileLines(env.client, partial.output_file_id as string)).map((l) => l.custom_id);
    const ranInInputOrder = succeededInInputOrder.filter((id) => ran.includes(id));
    expect(ran.length).toBeGreaterThanOrEqual(2);
    expect(samePlaces(ran as string[], ranInInputOrder)).toEqual([]);

    const expiring = await createBatch(env.client, input);
    await env.emulator.setBatchStatus(expiring.id, "in_progress", { stuck: true });
    await env.emulator.advance(25 * 3600_000);
    const expired = await env.client.batches.retrieve(expiring.id);
    expect(expired.status).toBe("expired");
    const errors = (await fileLines(env.client, expired.error_file_id as string)).map((l) => l.custom_id);
    expect([...errors].sort()).toEqual([...inputIds].sort());
    expect(samePlaces(errors as string[], inputIds)).toEqual([]);
  });
});

describe("cyclicOrder", () => {
  test("is a permutation in which no position keeps its place, for every count from 2 to 200", () => {
    for (let count = 2; count <= 200; count += 1) {
      const order = [...cyclicOrder(count, seededRandom(count))];
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, index) => index));
      expect(order.filter((position, index) => position === index)).toEqual([]);
    }
    expect([...cyclicOrder(1, seededRandom(1))]).toEqual([0]);
    expect([...cyclicOrder(0, seededRandom(1))]).toEqual([]);
  });
});
