/** The results' reads of local files: the input's custom_ids, lines copied by number, a file's hash. */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { BatchInputError } from "../../../provider/errors";
import { fileSha256 } from "../../../provider/results/file-hash";
import { inputRequests, openInput } from "../../../provider/results/input";
import { copyLines } from "../../../provider/results/select-lines";

const work = mkdtempSync(join(tmpdir(), "results-local-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const line = (id: string) =>
  JSON.stringify({ custom_id: id, method: "POST", url: "/v1/embeddings", body: {} });
/** A line whose custom_id comes last, so that it is parsed whole. */
const idLast = (id: string) =>
  JSON.stringify({ method: "POST", url: "/v1/embeddings", body: {}, custom_id: id });

describe("inputRequests", () => {
  test("a file's custom_ids with their line numbers; blank lines counted, a byte order mark skipped", async () => {
    const path = file("in.jsonl", `\ufeff${idLast("a")}\n\n${line("b")}\r\n${idLast("c")}`);
    expect(await all(inputRequests(path))).toEqual([
      { customId: "a", line: 1 },
      { customId: "b", line: 3 },
      { customId: "c", line: 4 },
    ]);
  });

  test("request lines in memory, and a streamed copy", async () => {
    const lines = [
      { custom_id: "a", method: "POST" as const, url: "/v1/embeddings" as const, body: {} },
      { custom_id: "b", method: "POST" as const, url: "/v1/embeddings" as const, body: {} },
    ];
    expect(await all(inputRequests(lines))).toEqual([
      { customId: "a", line: 1 },
      { customId: "b", line: 2 },
    ]);
    const streamed = {
      label: "the API's copy",
      open: async () => openInput(file("s.jsonl", `${line("z")}\n`)),
    };
    expect(await all(inputRequests(streamed))).toEqual([{ customId: "z", line: 1 }]);
  });

  test.each([
    [
      "a line of a file without a custom_id",
      () => file("no-id.jsonl", `${line("a")}\n{"method":"POST"}\n`),
      /no-id\.jsonl:2: the line has no custom_id; give the input file the batch ran$/,
    ],
    [
      "a line of a file with a null custom_id",
      () => file("null-id.jsonl", '{"custom_id":null}\n'),
      /null-id\.jsonl:1: the line has no custom_id/,
    ],
    [
      "a byte order mark on a later line",
      () => file("bom.jsonl", `${line("a")}\n\ufeff${idLast("b")}\n`),
      /bom\.jsonl:2: the line has no custom_id/,
    ],
    [
      "a request in memory without one",
      () => [{ method: "POST" }] as never,
      /input\[0\]\.custom_id: is missing; every request line needs a custom_id/,
    ],
    ["a request in memory that is null", () => [null] as never, /input\[0\]\.custom_id: is missing/],
    [
      "a file that is not there",
      () => join(work, "absent.jsonl"),
      /cannot read .*absent\.jsonl: no such file/,
    ],
    ["a folder", () => work, /cannot read .*results-local-[^:]*: EISDIR/],
  ])("%s is a BatchInputError naming it", async (_case, input, message) => {
    const error = await all(inputRequests(input())).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(BatchInputError);
    expect((error as Error).message).toMatch(message);
    expect((error as BatchInputError).problems.map((p) => p.property)).toEqual([
      Array.isArray(input()) ? "input[0].custom_id" : "input",
    ]);
  });

  test("a line too long to be a request line names the file, the line and the byte", async () => {
    const lines = (async function* () {
      yield Buffer.from(`${line("a")}\n`);
      const blank = Buffer.alloc(8 << 20, 0x20);
      for (let i = 0; i < 26; i++) yield blank;
    })();
    const error = await all(inputRequests({ label: "big.jsonl", open: async () => lines })).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(BatchInputError);
    expect((error as BatchInputError).problems[0]?.property).toBe("input");
    expect((error as Error).message).toContain(
      `big.jsonl:2: it starts at byte ${line("a").length + 1} and runs past`,
    );
  });
});

describe("copyLines", () => {
  test("the wanted lines, byte for byte with their own line break; a last line without one gets \\n", async () => {
    const path = file("copy.jsonl", "one\r\ntwo\n\nfour\nfive");
    const written: string[] = [];
    const copied = await copyLines(path, new Set([1, 4, 5, 9]), async (chunk) => {
      written.push(Buffer.from(chunk).toString());
    });
    expect(copied).toBe(3);
    expect(written.join("")).toBe("one\r\nfour\nfive\n");
  });
});

describe("fileSha256", () => {
  test("the hex sha256 of the bytes; undefined for no such file; other failures thrown", async () => {
    const bytes = Buffer.from("a\nb\n");
    expect(await fileSha256(file("h.jsonl", bytes))).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(await fileSha256(join(work, "none"))).toBeUndefined();
    await expect(fileSha256(work)).rejects.toMatchObject({ code: "EISDIR" });
  });
});
