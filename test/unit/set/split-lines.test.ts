import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { isBatchInputError } from "../../../provider/errors";
import type { ShardBounds } from "../../../provider/set/bounds";
import { type SplitOptions, splitFile, splitRequests } from "../../../provider/set/split";

const dir = mkdtempSync(join(tmpdir(), "batchset-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;

/** Splits `content` written to a file of its own, into a cache folder of its own. */
function split(content: string, bounds: ShardBounds, extra: Partial<SplitOptions> = {}) {
  files += 1;
  const file = join(dir, `in-${files}.jsonl`);
  writeFileSync(file, content);
  return splitFile(file, {
    bounds,
    cacheDir: join(dir, `cache-${files}`),
    property: "inputFile",
    label: "in.jsonl",
    ...extra,
  });
}

/** The message of what `run` throws, checking that it is an input error. */
function refusal(run: () => unknown): string {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(isBatchInputError(thrown), String(thrown)).toBe(true);
  return (thrown as Error).message;
}

/** A request line whose body says how many tokens and embedding inputs the test's counters give it. */
const line = (i: number, n: number) =>
  JSON.stringify({ custom_id: `r-${i}`, method: "POST", url: "/v1/embeddings", body: { n } });
const countOf = (text: string) => (JSON.parse(text) as { body: { n: number } }).body.n;
const LOOSE: ShardBounds = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 };

describe("the token and input bounds see each line's own text", () => {
  // 300 lines of 1 to 37 each: more than one shard under a bound of 100.
  const lines = Array.from({ length: 300 }, (_, i) => line(i, 1 + ((i * 7) % 37)));
  const content = `${lines.join("\n")}\n`;

  test.each([
    ["maxTokens", { maxTokens: 100 }, "tokensOf"],
    ["maxInputs", { maxInputs: 100 }, "inputsOf"],
  ] as const)("under %s, no shard passes the bound and each counts its lines", (_name, bound, counter) => {
    const texts: string[] = [];
    const counted = (text: string) => {
      texts.push(text);
      return countOf(text);
    };
    const shards = split(content, { ...LOOSE, ...bound }, { [counter]: counted, readBytes: 1_000 });
    // Each line's text as it is in the file, whichever read buffer it was in and wherever in it.
    expect(texts).toEqual(lines);
    expect(shards.length).toBeGreaterThan(1);
    for (const shard of shards) {
      const sum = readFileSync(shard.file, "utf8")
        .split("\n")
        .filter((text) => text !== "")
        .reduce((total, text) => total + countOf(text), 0);
      expect(sum).toBeLessThanOrEqual(100);
      if (counter === "tokensOf") expect(shard.tokens).toBe(sum);
    }
  });

  test.each([
    [
      "maxTokens",
      { maxTokens: 100 },
      "tokensOf",
      "has an estimated 101 input tokens, more than maxEnqueuedTokens (100)",
    ],
    ["maxInputs", { maxInputs: 100 }, "inputsOf", "has 101 embedding inputs, more than a batch takes (100)"],
  ] as const)(
    "a line over %s alone is refused, naming the line and the bound",
    (_name, bound, counter, why) => {
      const content = `${line(0, 5)}\n\n${line(1, 101)}\n`;
      const message = refusal(() => split(content, { ...LOOSE, ...bound }, { [counter]: countOf }));
      expect(message).toBe(`inputFile: in.jsonl: line 3 ${why}; make the request smaller or raise the bound`);
    },
  );

  test("without their bounds, the token and input counters are never called", () => {
    const never = (): number => {
      throw new Error("called without its bound");
    };
    const shards = split(`${lines.join("\n")}\n`, LOOSE, { tokensOf: never, inputsOf: never });
    expect(shards.reduce((total, shard) => total + shard.requests, 0)).toBe(300);
    expect(shards.every((shard) => shard.tokens === 0)).toBe(true);
  });
});

describe("a line's size counts its newline", () => {
  const bounds = (maxBytes: number): ShardBounds => ({ maxRequests: 10, maxBytes });
  const first = line(0, 1);

  test("a line of maxBytesPerBatch bytes is one too many with its newline", () => {
    const size = Buffer.byteLength(first);
    const message = refusal(() => split(`${first}\n`, bounds(size)));
    expect(message).toBe(
      `inputFile: in.jsonl: line 1 is ${size + 1} bytes, more than maxBytesPerBatch (${size}); make the request smaller or raise the bound`,
    );
  });

  test("a line one byte shorter fills the shard exactly, the newline included", () => {
    const size = Buffer.byteLength(first) + 1;
    const [shard, ...rest] = split(`${first}\n`, bounds(size));
    expect(rest).toEqual([]);
    expect(shard?.bytes).toBe(size);
    expect(readFileSync(shard?.file as string).length).toBe(size);
  });
});

describe("blank lines", () => {
  test("a line of spaces, tabs or a carriage return is blank: skipped, yet counted in line numbers", () => {
    const content = [line(0, 1), " ", "\t", "\r", " \t\r", line(1, 1)].join("\n");
    const shards = split(content, LOOSE);
    expect(shards.reduce((total, shard) => total + shard.requests, 0)).toBe(2);
    const text = shards.map((shard) => readFileSync(shard.file, "utf8")).join("");
    expect(text).toBe(`${line(0, 1)}\n${line(1, 1)}\n`);
    const bad = [line(0, 1), "\t", "\r", '{"method":"POST"}'].join("\n");
    expect(refusal(() => split(bad, LOOSE))).toMatch(/^inputFile: in\.jsonl: line 4 has no custom_id/);
  });

  test("a shard that starts after blank lines names the line it starts on", () => {
    const shards = split(["", "\t", "\r", line(0, 1)].join("\n"), LOOSE);
    expect(shards.map((shard) => [shard.firstLine, shard.firstCustomId])).toEqual([[4, "r-0"]]);
  });
});

describe("an input file that cannot be opened", () => {
  test("a missing file is refused, saying where a relative path is read from", () => {
    const path = join(dir, "missing.jsonl");
    const message = refusal(() =>
      splitFile(path, { bounds: LOOSE, cacheDir: join(dir, "unused"), property: "inputFile", label: "x" }),
    );
    expect(message).toBe(
      `inputFile: cannot read ${path}: there is no such file; inputFile is relative to the Pulumi project's directory`,
    );
  });

  test("a path through a file is refused, naming the problem", () => {
    writeFileSync(join(dir, "plain"), "");
    const path = join(dir, "plain", "in.jsonl");
    const message = refusal(() =>
      splitFile(path, { bounds: LOOSE, cacheDir: join(dir, "unused"), property: "requests", label: "x" }),
    );
    expect(message).toBe(`requests: cannot read ${path}: a part of the path is not a directory`);
    expect(existsSync(join(dir, "unused"))).toBe(false);
  });
});

describe("the input file is closed after a split", () => {
  const fds = "/proc/self/fd";
  test.runIf(existsSync(fds))("whether the split succeeds or fails", () => {
    const before = readdirSync(fds).length;
    split(`${line(0, 1)}\n`, LOOSE);
    expect(() => split("not json\n", LOOSE)).toThrow(/line 1 is not valid JSON/);
    expect(readdirSync(fds).length).toBe(before);
  });
});

describe("inline requests", () => {
  const options = (name: string): SplitOptions => ({
    bounds: LOOSE,
    cacheDir: join(dir, name),
    property: "requests",
    label: "requests",
  });

  test("an undefined request is a line that is not an object, named by its place", () => {
    const message = refusal(() => splitRequests([{ custom_id: "a" }, undefined], options("inline")));
    expect(message).toBe(
      "requests: requests: line 2 is not a JSON object; each line must be one request object",
    );
  });
});
