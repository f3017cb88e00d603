/** The internal properties' names on the way to and from the engine. */
import { describe, expect, test } from "vitest";
import { fromWire, toWire } from "../../provider/runtime/wire-names";

const member = { setUrn: "urn:pulumi:dev::p::t::set", wave: 0, waves: 1, batches: 2, requests: 4 };

describe("toWire", () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown> | undefined, Record<string, unknown>]>([
    [
      "internal properties under __ names; the others and __provider as they are",
      {
        endpoint: "/v1/embeddings",
        createToken: "t",
        resourceKey: "k",
        setMember: member,
        stateVersion: 1,
        __provider: "p",
      },
      undefined,
      {
        endpoint: "/v1/embeddings",
        __createToken: "t",
        __resourceKey: "k",
        __setMember: member,
        __stateVersion: 1,
        __provider: "p",
      },
    ],
    [
      "a plain name the older properties hold with the same value stays",
      { resourceKey: "k", setMember: member },
      { resourceKey: "k", setMember: { ...member, batches: 3 } },
      { resourceKey: "k", __setMember: member },
    ],
    [
      "an older __ name is no reason to keep a plain one",
      { createToken: "t" },
      { __createToken: "t" },
      { __createToken: "t" },
    ],
    ["nothing internal", { endpoint: "/v1/embeddings" }, undefined, { endpoint: "/v1/embeddings" }],
  ])("%s", (_, props, older, wired) => {
    expect(toWire(props, older)).toEqual(wired);
  });
});

describe("fromWire", () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      "__ names to plain ones",
      { __createToken: "t", __stateVersion: 1, __provider: "p" },
      { createToken: "t", stateVersion: 1, __provider: "p" },
    ],
    [
      "plain names (the program's inputs, an older release's state) as they are",
      { resourceKey: "k", setMember: member },
      { resourceKey: "k", setMember: member },
    ],
    ["the __ name over a plain one", { resourceKey: "old", __resourceKey: "new" }, { resourceKey: "new" }],
  ])("%s", (_, props, read) => {
    expect(fromWire(props)).toEqual(read);
  });

  test("undefined stays undefined", () => {
    expect(fromWire(undefined)).toBeUndefined();
  });
});
