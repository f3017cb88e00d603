/**
 * A set's paths are decided before the split writes anything (shardCacheDir, inputFile) and, for
 * the set's resultsPath, by the results resource's check: every problem is an input error that
 * names the argument and what to change, never a raw file system error.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type InputProblem, isBatchInputError } from "../../../provider/errors";
import type { BatchSetArgs } from "../../../provider/set/args";
import { createSetResultsProvider } from "../../../provider/set/results/provider";
import { planShards } from "../../../provider/set/shards";

const CHAT = "/v1/chat/completions";
const line = (id: string) =>
  JSON.stringify({ custom_id: id, method: "POST", url: CHAT, body: { model: "gpt-4o-mini", messages: [] } });

let root: string;
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "set-paths-")));
  writeFileSync(join(root, "in.jsonl"), `${line("a")}\n${line("b")}\n`);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The problems planShards throws for these arguments (failing the test when it does not throw). */
function problemsOf(args: Partial<BatchSetArgs>): readonly InputProblem[] {
  try {
    planShards("set", { endpoint: CHAT, inputFile: "in.jsonl", ...args } as BatchSetArgs, root);
  } catch (error) {
    if (isBatchInputError(error)) return error.problems;
    throw error;
  }
  throw new RangeError("planShards did not refuse the arguments");
}

describe("planShards: the shard cache and the input", () => {
  test.each([
    ["/dev/null", "/dev/null", "it is a character device, not a folder"],
    ["a regular file", "in.jsonl", "it is a file, not a folder"],
  ])("shardCacheDir that is %s is refused, naming shardCacheDir", (_name, shardCacheDir, why) => {
    const path = shardCacheDir.startsWith("/") ? shardCacheDir : join(root, shardCacheDir);
    expect(problemsOf({ shardCacheDir })).toEqual([
      {
        property: "shardCacheDir",
        reason: `shardCacheDir ${JSON.stringify(shardCacheDir)} (${path}) cannot hold the shard files: ${why}; give shardCacheDir a folder that can be written, relative to the project, such as ".pulumi-openai-batch/shards"`,
      },
    ]);
  });

  test("a shardCacheDir under a regular file is refused", () => {
    expect(problemsOf({ shardCacheDir: "in.jsonl/shards" })[0]?.reason).toContain(
      `cannot hold the shard files: ${join(root, "in.jsonl")} is a file, not a folder, so nothing can be made under it`,
    );
  });

  test("a shardCacheDir that is a symbolic link loop is refused", () => {
    symlinkSync(join(root, "b"), join(root, "a"));
    symlinkSync(join(root, "a"), join(root, "b"));
    expect(problemsOf({ shardCacheDir: "a/shards" })).toEqual([
      {
        property: "shardCacheDir",
        reason: `shardCacheDir "a/shards" (${join(root, "a/shards")}) cannot hold the shard files: it cannot be looked up: its symbolic links form a loop (too many levels of symbolic links); give shardCacheDir a folder that can be written, relative to the project, such as ".pulumi-openai-batch/shards"`,
      },
    ]);
  });

  test("the default shard folder is checked too, and named as the default", () => {
    writeFileSync(join(root, ".pulumi-openai-batch"), "not a folder\n");
    expect(problemsOf({})[0]?.reason).toMatch(/^the default shardCacheDir "\.pulumi-openai-batch\/shards" /);
  });

  test.each([
    [
      "shardCacheDir",
      { shardCacheDir: "sh\u0000ards" },
      '"sh\\u0000ards" holds a NUL byte (\\u0000), which no folder name can',
    ],
    [
      "inputFile",
      { inputFile: "in\u0000.jsonl" },
      '"in\\u0000.jsonl" holds a NUL byte (\\u0000), which no file name can',
    ],
  ])("a NUL byte in %s is refused", (property, args, start) => {
    const [problem] = problemsOf(args);
    expect(problem?.property).toBe(property);
    expect(problem?.reason.startsWith(start)).toBe(true);
  });

  test("an inputFile that is a symbolic link loop is refused, naming the loop", () => {
    symlinkSync(join(root, "b.jsonl"), join(root, "a.jsonl"));
    symlinkSync(join(root, "a.jsonl"), join(root, "b.jsonl"));
    expect(problemsOf({ inputFile: "a.jsonl" })).toEqual([
      {
        property: "inputFile",
        reason: `cannot read ${join(root, "a.jsonl")}: its symbolic links form a loop (too many levels of symbolic links)`,
      },
    ]);
  });

  test("an inputFile that is a named pipe is refused without opening it", () => {
    execFileSync("mkfifo", [join(root, "pipe.jsonl")]);
    expect(problemsOf({ inputFile: "pipe.jsonl" })).toEqual([
      {
        property: "inputFile",
        reason: `cannot read ${join(root, "pipe.jsonl")}: it is a named pipe (FIFO), not a regular file; give the path of a .jsonl file`,
      },
    ]);
  });

  test("an inputFile the cache writes and prunes (a shard file's name in shardCacheDir, or under its results folder) is refused", () => {
    mkdirSync(join(root, "cache", "results"), { recursive: true });
    const shardName = `${"a".repeat(64)}.jsonl`;
    for (const inputFile of [`cache/${shardName}`, "cache/results/in.jsonl"]) {
      writeFileSync(join(root, inputFile), `${line("a")}\n`);
      expect(problemsOf({ inputFile, shardCacheDir: "cache" })).toEqual([
        {
          property: "inputFile",
          reason: `inputFile ${JSON.stringify(inputFile)} (${join(root, inputFile)}) is one of the files the shard cache writes and removes in shardCacheDir (${join(root, "cache")}); move the input out of that folder, or give shardCacheDir another folder`,
        },
      ]);
    }
  });

  test("an input of its own name in the cache folder is split as usual", () => {
    mkdirSync(join(root, "cache"));
    writeFileSync(join(root, "cache", "tickets.jsonl"), `${line("a")}\n`);
    const shards = planShards(
      "set",
      { endpoint: CHAT, inputFile: "cache/tickets.jsonl", shardCacheDir: "cache" },
      root,
    );
    expect(shards).toHaveLength(1);
    expect(existsSync(join(root, "cache", "tickets.jsonl"))).toBe(true);
  });

  test("nothing is written to the cache when the input is refused", () => {
    mkdirSync(join(root, "cache"));
    const inputFile = `cache/${"b".repeat(64)}.jsonl`;
    writeFileSync(join(root, inputFile), `${line("a")}\n`);
    expect(problemsOf({ inputFile, shardCacheDir: "cache" }).map((problem) => problem.property)).toEqual([
      "inputFile",
    ]);
    expect(readdirSync(join(root, "cache"))).toEqual([`${"b".repeat(64)}.jsonl`]);
  });
});

describe("the set's results resource: resultsPath against the set's files", () => {
  const shards = () => [
    {
      batchId: "batch_1",
      resultsPath: "cache/results/s/one.jsonl",
      lineOffset: 0,
      inputFile: "cache/aaa.jsonl",
    },
  ];

  test.each([
    ["the set's inputFile", "./in.jsonl", 'the set\'s inputFile "in.jsonl"'],
    ["a shard file", "cache/../cache/aaa.jsonl", 'a shard file "cache/aaa.jsonl"'],
    [
      "a batch's own results",
      "cache/results/s/one.jsonl",
      'the results file of one of the set\'s batches "cache/results/s/one.jsonl"',
    ],
  ])("resultsPath that is %s is refused at check", async (_name, resultsPath, named) => {
    mkdirSync(join(root, "cache"));
    writeFileSync(join(root, "cache", "aaa.jsonl"), `${line("a")}\n`);
    const provider = createSetResultsProvider(() => root);
    const { failures } = await provider.check(
      { setName: "s", shards: [] },
      { setName: "s", inputFile: "in.jsonl", resultsPath, shards: shards() },
    );
    expect(failures).toEqual([
      {
        property: "resultsPath",
        reason: expect.stringContaining(
          `resultsPath ${JSON.stringify(resultsPath)} is the same file as ${named}`,
        ),
      },
    ]);
  });

  test("a resultsPath that is a directory is refused at check", async () => {
    mkdirSync(join(root, "out"));
    const provider = createSetResultsProvider(() => root);
    const { failures } = await provider.check(
      { setName: "s", shards: [] },
      { setName: "s", resultsPath: "out", shards: shards() },
    );
    expect(failures).toEqual([
      {
        property: "resultsPath",
        reason: `resultsPath "out" (${join(root, "out")}) cannot be written: it is a directory; give the path of a file in a folder that can be written, such as "results.jsonl"`,
      },
    ]);
  });

  test("with the batches' ids unknown (preview), the input is still refused, and a file of its own passes", async () => {
    const provider = createSetResultsProvider(() => root);
    const unknownIds = shards().map((shard) => ({
      ...shard,
      batchId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    }));
    const check = (resultsPath: string) =>
      provider.check(
        { setName: "s", shards: [] },
        { setName: "s", inputFile: "in.jsonl", resultsPath, shards: unknownIds },
      );
    expect(((await check("in.jsonl")).failures ?? []).map((failure) => failure.property)).toEqual([
      "resultsPath",
    ]);
    expect((await check("out/all.jsonl")).failures).toEqual([]);
  });
});
