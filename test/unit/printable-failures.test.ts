import { describe, expect, test } from "vitest";
import type { InputProblem } from "../../provider/errors";
import { printableFailures } from "../../provider/validation/printable-failures";

const REQUESTS = [
  { custom_id: "a", body: {} },
  { custom_id: "b", body: {} },
  { custom_id: "a", body: {} },
];

describe("check failures as the engine prints them (property and value, or the resource)", () => {
  test.each<[string, InputProblem, Record<string, unknown>, InputProblem]>([
    [
      "a short string input keeps its property",
      { property: "inputFile", reason: "cannot read r.jsonl" },
      { inputFile: "r.jsonl" },
      { property: "inputFile", reason: "cannot read r.jsonl" },
    ],
    [
      "a number keeps its property",
      { property: "waitTimeoutSeconds", reason: "must be > 0" },
      { waitTimeoutSeconds: -1 },
      { property: "waitTimeoutSeconds", reason: "must be > 0" },
    ],
    [
      "a nested path goes on the resource, led by the path (the engine would print {<nil>})",
      { property: "requests[2].custom_id", reason: 'custom_id "a" is already used on requests[0]' },
      { requests: REQUESTS },
      { property: "", reason: 'requests[2].custom_id: custom_id "a" is already used on requests[0]' },
    ],
    [
      "an array goes on the resource (the engine would print it whole)",
      { property: "requests", reason: "give one of them" },
      { requests: REQUESTS },
      { property: "", reason: "requests: give one of them" },
    ],
    [
      "an object goes on the resource",
      { property: "metadata", reason: "too many keys" },
      { metadata: { a: "1" } },
      { property: "", reason: "metadata: too many keys" },
    ],
    [
      "a string longer than 200 characters goes on the resource",
      { property: "inputFileId", reason: "not an id" },
      { inputFileId: "f".repeat(201) },
      { property: "", reason: "inputFileId: not an id" },
    ],
    [
      "a property the inputs lack goes on the resource",
      { property: "args", reason: "needs its arguments" },
      {},
      { property: "", reason: "args: needs its arguments" },
    ],
    [
      "a reason that already names its property is not led twice",
      { property: "requests", reason: "requests: ... and 3 more problems" },
      { requests: REQUESTS },
      { property: "", reason: "requests: ... and 3 more problems" },
    ],
    [
      "a failure on the resource stays there",
      { property: "", reason: "requests: there are no requests" },
      { requests: [] },
      { property: "", reason: "requests: there are no requests" },
    ],
  ])("%s", (_name, failure, news, expected) => {
    expect(printableFailures([failure], news)).toEqual([expected]);
  });

  test("the same reason for two nested paths is given for each, led by its path", () => {
    const reason = "body.messages is missing";
    const failures = [
      { property: "requests[0].body.messages", reason },
      { property: "requests[1].body.messages", reason },
    ];
    expect(printableFailures(failures, { requests: REQUESTS })).toEqual([
      { property: "", reason: `requests[0].body.messages: ${reason}` },
      { property: "", reason: `requests[1].body.messages: ${reason}` },
    ]);
  });

  test("a reason given on a property that is kept is not said again on the resource", () => {
    const reason =
      "requests and inputFile are both set; give exactly one of requests, inputFile or inputFileId";
    const failures = [
      { property: "requests", reason },
      { property: "inputFile", reason },
    ];
    expect(printableFailures(failures, { requests: REQUESTS, inputFile: "r.jsonl" })).toEqual([
      { property: "inputFile", reason },
    ]);
  });
});
