import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { isBatchInputError } from "../../../provider/errors";
import type { ShardBounds } from "../../../provider/set/bounds";
import { Chunker, type ChunkLine } from "../../../provider/set/chunker";
import { customIdOf } from "../../../provider/set/custom-id";
import { hashText } from "../../../provider/set/line-hash";
import { splitFile, splitRequests } from "../../../provider/set/split";

/** A request as the chunker sees it: its id, a version (an edit bumps it), its size and tokens. */
interface Req {
  id: string;
  version: number;
  bytes: number;
  tokens: number;
}

/** Deterministic sizes: 100 to 1,099 bytes, 10 to 509 tokens. */
function requests(count: number, prefix = "req"): Req[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    version: 0,
    bytes: 100 + ((i * 7919) % 1000),
    tokens: 10 + ((i * 104_729) % 500),
  }));
}

/** The shards of a sequence, each as the text of its requests (so equal shards compare equal). */
function shardsOf(reqs: readonly Req[], bounds: ShardBounds): string[] {
  const chunker = new Chunker(bounds);
  const shards: string[] = [];
  let current: string[] = [];
  for (const req of reqs) {
    const line: ChunkLine = { bytes: req.bytes, tokens: req.tokens, hash: hashText(req.id) };
    const { cutBefore, cutAfter } = chunker.add(line);
    if (cutBefore) {
      shards.push(current.join(","));
      current = [];
    }
    current.push(`${req.id}@${req.version}/${req.bytes}`);
    if (cutAfter) {
      shards.push(current.join(","));
      current = [];
    }
  }
  if (current.length > 0) shards.push(current.join(","));
  return shards;
}

/** How many shards of `after` are not shards of `before`. */
function changedShards(before: readonly string[], after: readonly string[]): number {
  const old = new Set(before);
  return after.filter((shard) => !old.has(shard)).length;
}

const BOUNDS: Record<string, ShardBounds> = {
  "by count": { maxRequests: 500, maxBytes: 200 * 1024 * 1024 },
  "by bytes": { maxRequests: 50_000, maxBytes: 256 * 1024 },
  "by tokens": { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024, maxTokens: 60_000 },
  "all tight": { maxRequests: 300, maxBytes: 200 * 1024, maxTokens: 40_000 },
};
const N = 20_000;

describe.each(Object.entries(BOUNDS))("content-defined shards, bounded %s", (_name, bounds) => {
  const base = requests(N);
  const before = shardsOf(base, bounds);

  test("cuts the input into several shards, none over a bound, holding every request once", () => {
    expect(before.length).toBeGreaterThanOrEqual(8);
    const byId = new Map(base.map((req) => [req.id, req]));
    let total = 0;
    for (const shard of before) {
      const members = shard.split(",").map((entry) => byId.get(entry.split("@")[0] ?? "") as Req);
      total += members.length;
      expect(members.length).toBeLessThanOrEqual(bounds.maxRequests);
      expect(members.reduce((sum, r) => sum + r.bytes, 0)).toBeLessThanOrEqual(bounds.maxBytes);
      if (bounds.maxTokens !== undefined) {
        expect(members.reduce((sum, r) => sum + r.tokens, 0)).toBeLessThanOrEqual(bounds.maxTokens);
      }
    }
    expect(total).toBe(N);
  });

  test.each([0, 1, 777, 9_999, N - 1])("an edit of request %i changes exactly its shard", (at) => {
    const edited = base.map((req, i) => (i === at ? { ...req, version: 1 } : req));
    const after = shardsOf(edited, bounds);
    expect(after.length).toBe(before.length);
    expect(changedShards(before, after)).toBe(1);
  });

  test.each([0, 3_333, 12_345])("an insertion before request %i changes at most 3 shards", (at) => {
    const inserted = [...base.slice(0, at), ...requests(1, "new"), ...base.slice(at)];
    expect(changedShards(before, shardsOf(inserted, bounds))).toBeLessThanOrEqual(3);
  });

  test.each([0, 5_000, 17_000])("deleting 10 requests from %i changes at most 3 shards", (at) => {
    const deleted = [...base.slice(0, at), ...base.slice(at + 10)];
    expect(changedShards(before, shardsOf(deleted, bounds))).toBeLessThanOrEqual(3);
  });

  test("inserting 100 requests at the top changes at most 3 shards", () => {
    const inserted = [...requests(100, "top"), ...base];
    expect(changedShards(before, shardsOf(inserted, bounds))).toBeLessThanOrEqual(3);
  });
});

describe("custom_id of a line", () => {
  const bytes = (text: string) => Buffer.from(text, "utf8");
  test.each([
    ['{"custom_id":"a-1","method":"POST"}', "a-1"],
    ['{ "custom_id": "a-1", "method": "POST" }', "a-1"],
    ['{"method":"POST","custom_id":"a-1"}', "a-1"],
    ['{"custom_id":"q\\"uote","method":"POST"}', 'q"uote'],
    ['{"custom_id":"é-ü","body":{}}', "é-ü"],
  ])("%s has custom_id %s, hashed alike on either path", (line, id) => {
    const found = customIdOf(bytes(line), 0, bytes(line).length);
    expect(found).toEqual({ ok: true, customId: id, hash: hashText(id) });
  });

  test.each([
    ['{"method":"POST"}', "has no custom_id; every request needs a non-empty string custom_id"],
    ['{"custom_id":""}', "has no custom_id; every request needs a non-empty string custom_id"],
    ["[1,2]", "is not a JSON object; each line must be one request object"],
  ])("%s is refused: %s", (line, reason) => {
    expect(customIdOf(bytes(line), 0, bytes(line).length)).toEqual({ ok: false, reason });
  });
});

describe("splitting files into the cache folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "batchset-split-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const line = (i: number, text = `question ${i}`) =>
    JSON.stringify({
      custom_id: `q-${i}`,
      method: "POST",
      url: "/v1/chat/completions",
      body: { model: "gpt-4o-mini", messages: [{ role: "user", content: text }] },
    });
  const bounds: ShardBounds = { maxRequests: 400, maxBytes: 200 * 1024 * 1024 };
  const lines = Array.from({ length: 5_000 }, (_, i) => line(i));

  function split(name: string, content: string) {
    const file = join(dir, `${name}.jsonl`);
    writeFileSync(file, content);
    return splitFile(file, { bounds, cacheDir: join(dir, "cache"), property: "inputFile", label: name });
  }

  test("shards hold every line once, in order, in files named by their sha256", () => {
    const shards = split("base", `${lines.join("\n")}\n`);
    expect(shards.length).toBeGreaterThanOrEqual(5);
    const rejoined = shards.map((s) => readFileSync(s.file, "utf8")).join("");
    expect(rejoined).toBe(`${lines.join("\n")}\n`);
    for (const shard of shards) {
      expect(shard.requests).toBeLessThanOrEqual(400);
      expect(shard.fileName).toBe(`${shard.sha256}.jsonl`);
    }
    expect(shards[0]?.firstCustomId).toBe("q-0");
    expect(readdirSync(join(dir, "cache")).filter((f) => f.startsWith(".partial"))).toEqual([]);
  });

  test("an edited line changes one shard file; blank lines and a missing final newline change none", () => {
    const base = split("base", `${lines.join("\n")}\n`);
    const edited = [...lines];
    edited[2_500] = line(2_500, "an edited question");
    const after = split("edited", edited.join("\n"));
    const old = new Set(base.map((s) => s.sha256));
    expect(after.filter((s) => !old.has(s.sha256)).length).toBe(1);
    const spaced = split(
      "spaced",
      `\n${lines.slice(0, 10).join("\n\n")}\n   \n${lines.slice(10).join("\n")}`,
    );
    expect(spaced.map((s) => s.sha256)).toEqual(base.map((s) => s.sha256));
  });

  test("inline requests split into the same shards as the same lines in a file", () => {
    const fromRequests = splitRequests(
      lines.map((text) => JSON.parse(text) as unknown),
      { bounds, cacheDir: join(dir, "cache"), property: "requests", label: "requests" },
    );
    expect(fromRequests.map((s) => s.sha256)).toEqual(
      split("base", `${lines.join("\n")}\n`).map((s) => s.sha256),
    );
  });

  test.each([
    [
      "no custom_id",
      `${line(0)}\n{"method":"POST"}\n`,
      "inputFile: bad: line 2 has no custom_id; every request needs a non-empty string custom_id",
    ],
    ["broken JSON", `${line(0)}\n${line(1)}\n{"custom_id":\n`, "inputFile: bad: line 3 is not valid JSON"],
    ["no requests", "\n\n", "inputFile: bad: bad has no requests; give at least one request line"],
  ])("a file with %s is refused, naming the line, and leaves no partial file", (_name, content, message) => {
    let thrown: unknown;
    try {
      split("bad", content);
    } catch (error) {
      thrown = error;
    }
    expect(isBatchInputError(thrown)).toBe(true);
    expect((thrown as Error).message.startsWith(message)).toBe(true);
    expect(readdirSync(join(dir, "cache")).filter((f) => f.startsWith(".partial"))).toEqual([]);
  });

  test("a line larger than maxBytesPerBatch is refused, naming the line and the bound", () => {
    const file = join(dir, "big.jsonl");
    writeFileSync(file, `${line(0)}\n${line(1, "x".repeat(600))}\n`);
    expect(() =>
      splitFile(file, {
        bounds: { maxRequests: 10, maxBytes: 500 },
        cacheDir: join(dir, "cache"),
        property: "inputFile",
        label: "big.jsonl",
      }),
    ).toThrow(/^inputFile: big\.jsonl: line 2 is 7\d\d bytes, more than maxBytesPerBatch \(500\)/);
  });
});
