import { createHash } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, test } from "vitest";
import { writeAtomically } from "../../provider/results/atomic-file";

const root = mkdtempSync(join(tmpdir(), "atomic-file-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const OLD = Buffer.from('{"custom_id":"old","line":1,"status":"succeeded"}\n');
/** More than the writer gathers before it writes, so that new bytes reach the disk before the end. */
const CHUNK = Buffer.alloc(512 * 1024, "n");
const CHUNKS = 6;

let folders = 0;
/** A folder of its own holding `results.jsonl` with the old bytes. */
function existingTarget(): { dir: string; target: string } {
  const dir = join(root, `case-${++folders}`);
  const target = join(dir, "results.jsonl");
  mkdirSync(dir);
  writeFileSync(target, OLD);
  return { dir, target };
}

/** A source stream that sends `chunks` chunks, then fails. */
function failingSource(chunks: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent < chunks) {
        sent += 1;
        this.push(CHUNK);
      } else {
        this.destroy(new RangeError("the download was cut off"));
      }
    },
  });
}

describe("writeAtomically", () => {
  test("a write whose source fails part-way leaves the old bytes and no other file", async () => {
    const { dir, target } = existingTarget();
    const source = failingSource(CHUNKS);
    const failure = await writeAtomically(target, async (write) => {
      for await (const chunk of source) await write(chunk as Buffer);
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RangeError);
    expect((failure as Error).message).toBe("the download was cut off");
    expect(readFileSync(target).equals(OLD)).toBe(true);
    expect(readdirSync(dir)).toEqual(["results.jsonl"]);
  });

  test("while the new bytes are written, a reader of the target sees the old file whole", async () => {
    const { dir, target } = existingTarget();
    const seen: Buffer[] = [];
    const written = await writeAtomically(target, async (write) => {
      for (let index = 0; index < CHUNKS; index += 1) {
        await write(CHUNK);
        seen.push(readFileSync(target));
      }
    });
    expect(seen).toHaveLength(CHUNKS);
    for (const bytes of seen) expect(bytes.equals(OLD)).toBe(true);
    const expected = Buffer.concat(Array.from({ length: CHUNKS }, () => CHUNK));
    const after = readFileSync(target);
    expect(after.equals(expected)).toBe(true);
    expect(written).toEqual({
      bytes: expected.length,
      sha256: createHash("sha256").update(expected).digest("hex"),
    });
    expect(readdirSync(dir)).toEqual(["results.jsonl"]);
  });

  test("a write that fails before its first byte leaves the old bytes and no other file", async () => {
    const { dir, target } = existingTarget();
    await expect(
      writeAtomically(target, async () => {
        throw new RangeError("the input file is gone");
      }),
    ).rejects.toThrow("the input file is gone");
    expect(readFileSync(target).equals(OLD)).toBe(true);
    expect(readdirSync(dir)).toEqual(["results.jsonl"]);
  });

  test("a write into a folder that does not exist yet makes it", async () => {
    const target = join(root, "new", "deeper", "results.jsonl");
    const written = await writeAtomically(target, async (write) => {
      await write("a\n");
      await write(Buffer.from("b\n"));
    });
    expect(readFileSync(target, "utf8")).toBe("a\nb\n");
    expect(written.bytes).toBe(4);
  });
});

describe("the temporary files of earlier writes", () => {
  test("a leftover a day old is removed by the next write; files only like it are kept", async () => {
    const { dir, target } = existingTarget();
    const leftovers = [".results.jsonl.4242.0123456789ab.tmp", ".results.jsonl.0123456789ab.tmp"];
    const others = [
      ".results.jsonl.backup.4242.0123456789ab.tmp",
      ".results.jsonl.4242.0123456789ab.tmp.keep",
      ".results.jsonl.4242.0123456789AB.tmp",
    ];
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    for (const name of [...leftovers, ...others]) {
      writeFileSync(join(dir, name), "x");
      utimesSync(join(dir, name), twoDaysAgo, twoDaysAgo);
    }
    await writeAtomically(target, async (write) => write("new\n"));
    expect(readdirSync(dir).sort()).toEqual([...others, "results.jsonl"].sort());
  });
});
