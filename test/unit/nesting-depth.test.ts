/**
 * A request line may nest objects and arrays at most 100 levels deep. The validator finds a deeper
 * line from its text alone, before parsing it, so a line nested a million levels deep is refused
 * in the memory its bytes take.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { MAX_NESTING_DEPTH, nestingDeeperThan } from "../../provider/validation/jsonl/nesting";
import { validateBatchInput } from "../../provider/validation/jsonl/validate";
import { testCompiled } from "../support/compiled";
import { REPO_ROOT } from "../support/repo";

const CHAT = "/v1/chat/completions";

/** A valid chat request line whose deepest value is `depth` levels down (the line itself is 1). */
function lineOfDepth(depth: number, id = "deep"): string {
  // The line's object and its body are two levels; the rest are arrays in body.metadata_like.
  const arrays = depth - 2;
  return `{"custom_id":"${id}","method":"POST","url":"${CHAT}","body":{"model":"gpt-4o-mini","messages":[],"x":${"[".repeat(arrays)}${"]".repeat(arrays)}}}`;
}

/** The 1-based column where `lineOfDepth(101)` opens level 101: its 99th array in body.x. */
function columnOfLevel101(id = "deep"): number {
  return lineOfDepth(101, id).indexOf('"x":') + 4 + 98 + 1;
}

describe("nestingDeeperThan", () => {
  test.each([
    ["flat", '{"a":1}', 1, undefined],
    ["at the bound", '{"a":[[1]]}', 3, undefined],
    ["one past the bound: the column of the bracket that opens it", '{"a":[[1]]}', 2, 7],
    ["brackets in strings do not count", '{"a":"[[[[{{{{"}', 1, undefined],
    ["an escaped quote does not end the string", '{"a":"\\"[[[["}', 1, undefined],
    ["an escaped backslash before the quote does", '{"a":"\\\\","b":[[1]]}', 2, 16],
    ["closed containers do not add up", "[[],[],[],[]]", 2, undefined],
    ["an unclosed string ends the line", '{"a":"[[[[', 1, undefined],
  ])("%s: %s with at most %i levels -> %s", (_name, text, max, expected) => {
    expect(nestingDeeperThan(text, max)).toBe(expected);
  });

  test("the bound is 100, and a request line of exactly that depth passes it", () => {
    expect(MAX_NESTING_DEPTH).toBe(100);
    expect(nestingDeeperThan(lineOfDepth(100))).toBeUndefined();
    expect(nestingDeeperThan(lineOfDepth(101))).toBe(columnOfLevel101());
  });
});

describe("validateBatchInput: nesting depth", () => {
  test("a line 100 levels deep is valid; one 101 levels deep is refused, naming its line", async () => {
    const report = await validateBatchInput(
      { content: `${lineOfDepth(100, "a")}\n${lineOfDepth(101, "b")}\n` },
      { endpoint: CHAT },
    );
    const column = columnOfLevel101("b");
    expect(report.problems).toEqual([
      {
        line: 2,
        message: `the line nests objects and arrays more than 100 levels deep (level 101 opens at column ${column}); a request may nest at most 100 levels, so flatten it`,
      },
    ]);
    expect(report.lineCount).toBe(2);
  });

  test("inline requests are held to the same bound", async () => {
    let value: unknown = 1;
    for (let level = 0; level < 99; level += 1) value = [value];
    const report = await validateBatchInput(
      {
        requests: [
          { custom_id: "a", method: "POST", url: CHAT, body: { model: "m", messages: [], x: value } },
        ],
      },
      { endpoint: CHAT },
    );
    expect(report.problems.map((problem) => problem.message.slice(0, 57))).toEqual([
      "the line nests objects and arrays more than 100 levels de",
    ]);
  });

  const dir = mkdtempSync(join(tmpdir(), "nesting-depth-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  testCompiled(
    "a line nested a million levels deep is refused in little memory (in a process of its own)",
    () => {
      const compiled = join(REPO_ROOT, "dist", "provider", "validation", "jsonl", "validate.js");
      if (!existsSync(compiled)) throw new RangeError(`${compiled} is missing: run \`npm run build\` first`);
      const file = join(dir, "deep.jsonl");
      writeFileSync(file, `${lineOfDepth(1_000_000)}\n`);
      const script = `
      const { validateBatchInput } = require(${JSON.stringify(compiled)});
      validateBatchInput({ path: ${JSON.stringify(file)} }, { endpoint: "${CHAT}" }).then((report) => {
        process.stdout.write(JSON.stringify({
          ok: report.ok,
          messages: report.problems.map((problem) => problem.line + ": " + problem.message.slice(0, 57)),
          maxRssMiB: process.resourceUsage().maxRSS / 1024,
        }));
      });`;
      const outcome = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as {
        ok: boolean;
        messages: string[];
        maxRssMiB: number;
      };
      expect(outcome.ok).toBe(false);
      expect(outcome.messages).toEqual(["1: the line nests objects and arrays more than 100 levels de"]);
      // A Node.js process that loads the validator peaks near 50 MiB here; parsing the line took 165.
      expect(outcome.maxRssMiB).toBeLessThan(96);
    },
  );
});
