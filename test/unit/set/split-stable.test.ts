import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { isBatchInputError } from "../../../provider/errors";
import type { ShardBounds } from "../../../provider/set/bounds";
import { hashWorkerScript } from "../../../provider/set/shard-hasher";
import { type SplitOptions, splitFile } from "../../../provider/set/split";

const dir = mkdtempSync(join(tmpdir(), "batchset-stable-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BOUNDS: ShardBounds = { maxRequests: 300, maxBytes: 600_000 };

/**
 * 3,000 embedding requests of 0 to 3,000 bytes of text, some with custom_id not first (the parsed
 * path), some blank lines, no final newline: every path through the split.
 */
function input(): string {
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const body = { model: "text-embedding-3-small", input: "x".repeat((i * 7919) % 3000) };
    lines.push(
      i % 97 === 0
        ? JSON.stringify({ method: "POST", custom_id: `id-${i}`, url: "/v1/embeddings", body })
        : JSON.stringify({ custom_id: `id-${i}`, method: "POST", url: "/v1/embeddings", body }),
    );
    if (i % 500 === 0) lines.push("");
  }
  return lines.join("\n");
}

function split(name: string, extra: Partial<SplitOptions> = {}) {
  const file = join(dir, "in.jsonl");
  writeFileSync(file, input());
  return splitFile(file, {
    bounds: BOUNDS,
    cacheDir: join(dir, name),
    property: "inputFile",
    label: "in.jsonl",
    ...extra,
  });
}

describe("shard boundaries and names are part of the format", () => {
  test("the same input gives the same shards in every release", () => {
    const shards = split("pinned");
    const summary = shards
      .map((s) => `${s.sha256}:${s.requests}:${s.bytes}:${s.firstCustomId}:${s.firstLine}`)
      .join("\n");
    // Pinned: a change here moves boundaries or renames shard files, and replaces users' batches.
    expect(shards.length).toBe(PINNED_SHARDS);
    expect(createHash("sha256").update(summary).digest("hex")).toBe(PINNED_DIGEST);
  });

  test("reading through a small buffer (lines across reads, lines longer than it) gives the same shards", () => {
    // One read of the whole input (it is smaller than 16 MiB) against reads that cut lines.
    const whole = split("whole", { readBytes: 16 << 20 });
    for (const readBytes of [1_000, 4_096, 65_536]) {
      const small = split(`read-${readBytes}`, { readBytes });
      expect(small.map((s) => s.sha256)).toEqual(whole.map((s) => s.sha256));
      for (const shard of small) {
        const bytes = readFileSync(shard.file);
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(shard.sha256);
        expect(bytes.length).toBe(shard.bytes);
      }
    }
  });
});

describe("hashing in a worker thread", () => {
  test("gives the same shards, whole and through small buffers, and leaves no partial file", () => {
    // The worker runs the compiled module, as `npm run build` leaves it.
    expect(hashWorkerScript(), "run `npm run build` before this suite").toBeDefined();
    const inline = split("inline", { hashInWorker: false });
    for (const readBytes of [undefined, 1_000, 65_536]) {
      const name = `worker-${readBytes ?? "default"}`;
      const shards = split(name, { hashInWorker: true, readBytes });
      expect(shards.map((s) => s.sha256)).toEqual(inline.map((s) => s.sha256));
      for (const shard of shards) {
        expect(createHash("sha256").update(readFileSync(shard.file)).digest("hex")).toBe(shard.sha256);
      }
      expect(readdirSync(join(dir, name)).filter((f) => f.startsWith(".partial"))).toEqual([]);
    }
  });

  test("a bad line far into the file stops the split and removes every partial file", () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, `${input()}\n{"custom_id":\n`);
    let thrown: unknown;
    try {
      splitFile(file, {
        bounds: BOUNDS,
        cacheDir: join(dir, "bad"),
        property: "inputFile",
        label: "bad.jsonl",
        hashInWorker: true,
        readBytes: 4_096,
      });
    } catch (error) {
      thrown = error;
    }
    expect(isBatchInputError(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(/^inputFile: bad\.jsonl: line 3007 is not valid JSON/);
    expect(readdirSync(join(dir, "bad"))).toEqual([]);
  });
});

const PINNED_SHARDS = 33;
const PINNED_DIGEST = "a22cba556007ddf7f82204f4cf57d075c39943c4f83d75872d7d6de67858bd3c";
