/**
 * The token tally cache: one entry per input and endpoint, written whole, read back only when
 * every figure is a number; a cache that cannot be written or read is passed over.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readCachedTally, tallyCacheDir, writeCachedTally } from "../../../provider/cost/cache";
import { emptyTally, type TokenTally } from "../../../provider/cost/tally";

const CHAT = "/v1/chat/completions";
const SHA = "ab".repeat(32);
const TALLY: TokenTally = {
  ...emptyTally(CHAT),
  model: "gpt-4o-mini",
  requests: 3,
  inputTokens: 120,
  maxOutputTokens: 40,
  unboundedRequests: 1,
  uncountedParts: 2,
  invalidLines: 1,
  refusedRequests: 1,
  firstRefusedLine: 2,
};

const cacheIn = () => tallyCacheDir(mkdtempSync(join(tmpdir(), "tally-cache-")));

describe("the tally cache", () => {
  test("lives in the project's .pulumi-openai-batch/cache, which ignores itself in git", async () => {
    const project = mkdtempSync(join(tmpdir(), "tally-cache-"));
    const dir = tallyCacheDir(project);
    expect(dir).toBe(join(project, ".pulumi-openai-batch", "cache"));
    expect(await writeCachedTally(dir, SHA, CHAT, TALLY)).toBe(true);
    expect(readFileSync(join(project, ".pulumi-openai-batch", ".gitignore"), "utf8")).toBe(
      "# Caches of pulumi-openai-batch; safe to delete.\n*\n",
    );
  });

  test("gives back the tally written, for the same input and endpoint only, leaving no temporary file", async () => {
    const dir = cacheIn();
    expect(await writeCachedTally(dir, SHA, CHAT, TALLY)).toBe(true);
    expect(await readCachedTally(dir, SHA, CHAT)).toEqual(TALLY);
    expect(await readCachedTally(dir, SHA, "/v1/embeddings")).toBeUndefined();
    expect(await readCachedTally(dir, "cd".repeat(32), CHAT)).toBeUndefined();
    const [entry, ...others] = readdirSync(dir);
    expect(others).toEqual([]);
    expect(entry).toMatch(
      new RegExp(`^tokens-${SHA}-chat-completions-2-gpt-tokenizer-\\d+\\.\\d+\\.\\d+\\.json$`),
    );
  });

  test("keeps one entry for each endpoint, even two that differ only by a /v1/ past their start", async () => {
    const dir = cacheIn();
    const other = { ...TALLY, requests: 4 };
    expect(await writeCachedTally(dir, SHA, "/batch/v1/jobs", TALLY)).toBe(true);
    expect(await writeCachedTally(dir, SHA, "/batchjobs", other)).toBe(true);
    expect(await readCachedTally(dir, SHA, "/batch/v1/jobs")).toEqual(TALLY);
    expect(await readCachedTally(dir, SHA, "/batchjobs")).toEqual(other);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  test("keeps a .gitignore someone changed", async () => {
    const dir = cacheIn();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "..", ".gitignore"), "cache/\n");
    expect(await writeCachedTally(dir, SHA, CHAT, TALLY)).toBe(true);
    expect(readFileSync(join(dir, "..", ".gitignore"), "utf8")).toBe("cache/\n");
  });

  test.each([
    "requests",
    "inputTokens",
    "maxOutputTokens",
    "unboundedRequests",
    "uncountedParts",
    "invalidLines",
    "refusedRequests",
  ])("reads an entry without a number of %s as none", async (field) => {
    const dir = cacheIn();
    await writeCachedTally(dir, SHA, CHAT, TALLY);
    const [entry] = readdirSync(dir);
    for (const value of [undefined, "12", null]) {
      writeFileSync(join(dir, entry!), JSON.stringify({ ...TALLY, [field]: value }));
      expect(await readCachedTally(dir, SHA, CHAT)).toBeUndefined();
    }
  });

  test("reads an entry that is not JSON, or no entry, as none", async () => {
    const dir = cacheIn();
    expect(await readCachedTally(dir, SHA, CHAT)).toBeUndefined();
    await writeCachedTally(dir, SHA, CHAT, TALLY);
    const [entry] = readdirSync(dir);
    writeFileSync(join(dir, entry!), '{"requests": 3,');
    expect(await readCachedTally(dir, SHA, CHAT)).toBeUndefined();
  });

  test("that cannot be written is passed over", async () => {
    const project = mkdtempSync(join(tmpdir(), "tally-cache-"));
    writeFileSync(join(project, "blocked"), "a file where the cache folder would be");
    expect(await writeCachedTally(join(project, "blocked", "cache"), SHA, CHAT, TALLY)).toBe(false);
  });
});
