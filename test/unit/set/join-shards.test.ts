import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import type { SetResultsShard } from "../../../provider/contract";
import { isBatchInputFileError } from "../../../provider/errors";
import { joinShardResults } from "../../../provider/set/results/join-shards";
import { createSetResultsProvider } from "../../../provider/set/results/provider";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "join-shards-"));
  mkdirSync(join(root, "cache"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** A child's results file, as a Batch writes it; returns its shard entry. */
function child(name: string, records: object[], lineOffset: number): SetResultsShard {
  const text = records.map((record) => `${JSON.stringify(record)}\n`).join("");
  writeFileSync(join(root, "cache", `${name}.jsonl`), text);
  return {
    batchId: `batch_${name}`,
    resultsPath: `cache/${name}.jsonl`,
    resultsSha256: sha(text),
    lineOffset,
  };
}

const ok = (id: string, line: number) => ({
  custom_id: id,
  line,
  status: "succeeded",
  statusCode: 200,
  body: {},
});
const failed = (id: string, line: number, code: string) => ({
  custom_id: id,
  line,
  status: "failed",
  statusCode: 400,
  error: { code, message: `${code} for ${id}` },
});

test("joins the children's files in shard order, numbering lines by the set's input, and counts the set", async () => {
  const shards = [
    child("first", [ok("a", 1), failed("b", 2, "invalid_prompt")], 0),
    child(
      "second",
      [ok("c", 1), { custom_id: "d", line: 2, status: "missing" }, failed("e", 3, "invalid_prompt")],
      2,
    ),
  ];
  const joined = await joinShardResults(shards, root, "out/all.jsonl");
  const text = readFileSync(join(root, "out", "all.jsonl"), "utf8");
  expect(joined.sha256).toBe(sha(text));
  expect(
    text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line)),
  ).toEqual([
    ok("a", 1),
    failed("b", 2, "invalid_prompt"),
    ok("c", 3),
    { custom_id: "d", line: 4, status: "missing" },
    failed("e", 5, "invalid_prompt"),
  ]);
  expect(joined.summary).toEqual({
    succeeded: 2,
    failed: 2,
    expired: 0,
    cancelled: 0,
    missing: 1,
    errorCodes: { invalid_prompt: 2 },
  });
  expect(joined.examples.get("invalid_prompt")).toEqual({ message: "invalid_prompt for b", customId: "b" });
});

test("without a target it only counts, and writes nothing", async () => {
  const joined = await joinShardResults([child("only", [ok("a", 1)], 0)], root, undefined);
  expect(joined.sha256).toBeUndefined();
  expect(joined.summary.succeeded).toBe(1);
});

test.each([
  ["missing", (path: string) => rmSync(path)],
  ["not the ones it wrote", (path: string) => writeFileSync(path, "{}\n")],
])(
  "a child's file that is %s stops the join with what to run, and leaves the target alone",
  async (state, spoil) => {
    const shards = [child("kept", [ok("a", 1)], 0), child("spoilt", [ok("b", 1)], 1)];
    writeFileSync(join(root, "all.jsonl"), "before\n");
    spoil(join(root, "cache", "spoilt.jsonl"));
    const error = await joinShardResults(shards, root, "all.jsonl").catch((e: unknown) => e);
    expect(isBatchInputFileError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `cannot read cache/spoilt.jsonl: the results of batch batch_spoilt there are ${state}; run \`pulumi up\` again: the batch writes them back first, and no new batch is created`,
    );
    expect(readFileSync(join(root, "all.jsonl"), "utf8")).toBe("before\n");
  },
);

test("the results resource removes the results files of batches no longer in the set, once it has joined", async () => {
  const shards = [child("one", [ok("a", 1)], 0), child("two", [ok("b", 1)], 1)];
  child("replaced", [ok("a", 1)], 0);
  writeFileSync(join(root, "cache", "notes.txt"), "mine\n");
  const provider = createSetResultsProvider(() => root);
  const created = await provider.create({ setName: "s", resultsPath: "all.jsonl", shards });
  expect(created.outs?.resultsSummary?.succeeded).toBe(2);
  expect(readdirSync(join(root, "cache")).sort()).toEqual(["notes.txt", "one.jsonl", "two.jsonl"]);
});

test("pruning keeps the set's joined file when resultsPath points into the children's folder", async () => {
  const shards = [child("one", [ok("a", 1)], 0), child("two", [ok("b", 1)], 1)];
  child("replaced", [ok("a", 1)], 0);
  const provider = createSetResultsProvider(() => root);
  const created = await provider.create({ setName: "s", resultsPath: "cache/all.jsonl", shards });
  expect(created.outs?.resultsSummary?.succeeded).toBe(2);
  expect(readdirSync(join(root, "cache")).sort()).toEqual(["all.jsonl", "one.jsonl", "two.jsonl"]);
  expect(
    readFileSync(join(root, "cache", "all.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean).length,
  ).toBe(2);
  const again = await provider.diff("s-results", created.outs!, {
    setName: "s",
    resultsPath: "cache/all.jsonl",
    shards,
  });
  expect(again.changes).toBe(false);
});
