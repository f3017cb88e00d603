/**
 * The state figures of the BatchSet bench section: which resources of an exported stack are the
 * set's part, and how many bytes they weigh.
 */
import { describe, expect, test } from "vitest";
import {
  batchPart,
  batchSetPart,
  batchStatuses,
  type StateResource,
} from "../../bench/sections/set-scale-state";
import { BATCH_TYPE_TOKEN } from "../../provider/contract";
import { BATCH_SET_TYPE_TOKEN } from "../../provider/set/batch-set";

const STACK = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
const SET = `urn:pulumi:dev::p::${BATCH_SET_TYPE_TOKEN}::set`;
const SET_TYPE_PATH = `${BATCH_SET_TYPE_TOKEN}$${BATCH_TYPE_TOKEN}`;

function resource(urn: string, type: string, parent?: string, status?: string): StateResource {
  return {
    urn,
    type,
    ...(parent === undefined ? {} : { parent }),
    ...(status === undefined ? {} : { outputs: { status } }),
  };
}

const stack = resource(STACK, "pulumi:pulumi:Stack");
const set = resource(SET, BATCH_SET_TYPE_TOKEN, STACK);
const childA = resource(`urn:pulumi:dev::p::${SET_TYPE_PATH}::set-a`, BATCH_TYPE_TOKEN, SET, "completed");
const childB = resource(`urn:pulumi:dev::p::${SET_TYPE_PATH}::set-b`, BATCH_TYPE_TOKEN, SET, "completed");
const results = resource(`urn:pulumi:dev::p::${BATCH_SET_TYPE_TOKEN}$results::set-results`, "results", SET);
const grandchild = resource("urn:pulumi:dev::p::deeper::g", "deeper", results.urn);
const plain = resource(`urn:pulumi:dev::p::${BATCH_TYPE_TOKEN}::plain`, BATCH_TYPE_TOKEN, STACK, "failed");

const bytesOf = (...resources: StateResource[]) =>
  resources.reduce((sum, one) => sum + Buffer.byteLength(JSON.stringify(one), "utf8"), 0);

describe("batchSetPart", () => {
  test("is the set and every descendant, and nothing else of the stack", () => {
    const part = batchSetPart([stack, set, childA, childB, results, grandchild, plain]);
    expect(part).toEqual({ resources: 5, bytes: bytesOf(set, childA, childB, results, grandchild) });
  });

  test("finds a descendant listed before its parent", () => {
    const part = batchSetPart([grandchild, childA, results, set, stack]);
    expect(part).toEqual({ resources: 4, bytes: bytesOf(grandchild, childA, results, set) });
  });

  test("counts UTF-8 bytes, not characters", () => {
    const named = { ...set, outputs: { note: "été 日本" } };
    const part = batchSetPart([named]);
    // "é" is one character of 2 bytes, "日" and "本" one of 3 bytes each.
    expect(part.bytes).toBe(JSON.stringify(named).length + 2 * 1 + 2 * 2);
  });

  test("is empty without a set", () => {
    expect(batchSetPart([stack, plain])).toEqual({ resources: 0, bytes: 0 });
  });
});

describe("batchPart and batchStatuses", () => {
  test("take every Batch, inside a set or not, and only those", () => {
    const state = [stack, set, childA, childB, results, plain];
    expect(batchPart(state)).toEqual({ resources: 3, bytes: bytesOf(childA, childB, plain) });
    expect(batchStatuses(state)).toEqual({ completed: 2, failed: 1 });
  });
});
