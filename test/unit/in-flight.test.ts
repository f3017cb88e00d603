import { describe, expect, test } from "vitest";
import { BatchApiError, BatchWaitError } from "../../provider/errors";
import {
  interruptedCreate,
  isMarkerOf,
  keepsMarker,
  MARKER_CONTENT,
  markerFilename,
} from "../../provider/policy/in-flight";
import { isUploadOf, uploadFilename } from "../../provider/runtime/own-uploads";

const TOKEN = "0123456789abcdef0123456789abcdef";
const OTHER = "fedcba9876543210fedcba9876543210";

const marker = (id: string, token = TOKEN) => ({
  id,
  filename: `in-flight.${token}.a1b2c3d4e5f6.marker.jsonl`,
});
const upload = (id: string, token = TOKEN) => ({ id, filename: `requests.${token}.a1b2c3d4e5f6.jsonl` });
const batch = (id: string, createdAt: number) => ({ id, created_at: createdAt });

describe("marker names", () => {
  test("a marker's name carries the token and a part of its own, and is told from an upload's", () => {
    const name = markerFilename(TOKEN);
    expect(name).toMatch(/^in-flight\.0123456789abcdef0123456789abcdef\.[0-9a-f]{12}\.marker\.jsonl$/);
    expect(markerFilename(TOKEN)).not.toBe(name);
    expect(isMarkerOf(name, TOKEN)).toBe(true);
    expect(isMarkerOf(name, OTHER)).toBe(false);
    // A create's clean-up of its uploads never takes a marker for one, nor an upload for a marker.
    expect(isUploadOf(name, TOKEN)).toBe(false);
    expect(isMarkerOf(uploadFilename("in-flight", TOKEN), TOKEN)).toBe(false);
  });

  test.each([
    ["in-flight.0123456789abcdef0123456789abcdef.a1b2c3d4e5f6.marker.jsonl", true],
    ["in-flight.0123456789abcdef0123456789abcdef.A1B2C3D4E5F6.marker.jsonl", false],
    ["in-flight.0123456789abcdef0123456789abcdef.a1b2c3d4e5.marker.jsonl", false],
    ["in-flight.0123456789abcdef0123456789abcdef.a1b2c3d4e5f6.jsonl", false],
    ["x.in-flight.0123456789abcdef0123456789abcdef.a1b2c3d4e5f6.marker.jsonl", false],
    ["in-flight.0123456789abcdef0123456789abcdef-retry-1.a1b2c3d4e5f6.marker.jsonl", false],
  ])("isMarkerOf(%s) is %s", (name, expected) => {
    expect(isMarkerOf(name, TOKEN)).toBe(expected);
  });

  test("the content is one JSON line shaped as a batch request", () => {
    expect(MARKER_CONTENT.endsWith("\n")).toBe(true);
    expect(MARKER_CONTENT.split("\n")).toHaveLength(2);
    expect(JSON.parse(MARKER_CONTENT)).toMatchObject({ custom_id: expect.any(String), method: "POST" });
  });
});

describe("which batch a create adopts", () => {
  test.each([
    {
      case: "no batch carries the token",
      batches: [],
      files: [marker("m1")],
      ours: [],
      expected: undefined,
    },
    {
      case: "a batch, and no marker: every earlier create returned (a deliberate re-run)",
      batches: [batch("b1", 100)],
      files: [upload("f1")],
      ours: [],
      expected: undefined,
    },
    {
      case: "a batch, and only this create's own marker",
      batches: [batch("b1", 100)],
      files: [marker("own")],
      ours: ["own"],
      expected: undefined,
    },
    {
      case: "a batch, and only markers this create took over already",
      batches: [batch("b1", 100)],
      files: [marker("own"), marker("m1")],
      ours: ["own", "m1"],
      expected: undefined,
    },
    {
      case: "a batch, and another token's marker",
      batches: [batch("b1", 100)],
      files: [marker("m1", OTHER)],
      ours: [],
      expected: undefined,
    },
    {
      case: "a batch, and the marker of a create that did not return",
      batches: [batch("b1", 100)],
      files: [upload("f1"), marker("m1"), marker("own")],
      ours: ["own"],
      expected: { batch: "b1", markers: ["m1"] },
    },
    {
      case: "several batches: the newest, whatever the order listed",
      batches: [batch("b1", 100), batch("b3", 300), batch("b2", 200)],
      files: [marker("m1"), marker("m2")],
      ours: [],
      expected: { batch: "b3", markers: ["m1", "m2"] },
    },
  ])("$case", ({ batches, files, ours, expected }) => {
    const found = interruptedCreate(TOKEN, batches, files, new Set(ours));
    expect(found === undefined ? undefined : { batch: found.batch.id, markers: found.markers }).toEqual(
      expected,
    );
  });
});

describe("whether a create keeps its marker", () => {
  const outputs = { stateVersion: 1, uploadedInputFile: true, endpoint: "/v1/embeddings" } as const;
  const apiError = new BatchApiError({ operation: "create the batch", status: 500, apiMessage: "boom" });
  test.each([
    ["a create that made no batch (an API error)", apiError, false],
    [
      "an unknown outcome, recorded under the placeholder",
      apiError.recording({ id: `pending:${TOKEN}`, properties: outputs, note: "recorded" }),
      true,
    ],
    ["a batch recorded by its id (a wait error)", new BatchWaitError("batch_1", outputs, "timed out"), false],
    ["an error that is not the API's", new RangeError("no input file"), false],
  ])("%s: %s", (_case, error, expected) => {
    expect(keepsMarker(error)).toBe(expected);
  });
});
