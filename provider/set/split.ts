import { closeSync, openSync, readSync } from "node:fs";
import { BatchInputError } from "../errors";
import type { ShardBounds } from "./bounds";
import { Chunker } from "./chunker";
import { customIdOf, fastCustomIdHash } from "./custom-id";
import { ShardWriter, type WrittenShard } from "./shard-writer";

const READ_BYTES = 4 << 20;
const NEWLINE = 0x0a;

export interface SplitOptions {
  bounds: ShardBounds;
  /** Absolute path of the cache folder the shard files go to. */
  cacheDir: string;
  /** The estimated input tokens of one line; only called when `bounds.maxTokens` is set. */
  tokensOf?: ((line: string) => number) | undefined;
  /** The property the input came from, for errors: `inputFile` or `requests`. */
  property: "inputFile" | "requests";
  /** How errors name the input, e.g. the file's path or `requests`. */
  label: string;
  /** The size of the read buffer, in bytes; default 4 MiB (tests use small ones). */
  readBytes?: number | undefined;
}

/**
 * Splits request lines into shards as they stream past, in flat memory: each line is read, its
 * custom_id hashed, placed by the chunker and copied to its shard's file in the cache folder.
 * Blank lines are skipped. A line without a custom_id, or too large for any shard, stops the
 * split with an error that names the line.
 */
class Splitter {
  private readonly chunker: Chunker;
  private writer: ShardWriter | undefined;
  private readonly shards: WrittenShard[] = [];
  private lineNumber = 0;

  constructor(private readonly options: SplitOptions) {
    this.chunker = new Chunker(options.bounds);
  }

  line(source: Uint8Array, start: number, end: number): void {
    this.lineNumber += 1;
    if (isBlank(source, start, end)) return;
    // Most lines take the fast path: the id's bytes are hashed where they lie, and decoded only
    // for a shard's first line (its name).
    let hash = fastCustomIdHash(source, start, end);
    let customId: string | undefined;
    if (hash === undefined) {
      const id = customIdOf(source, start, end);
      if (!id.ok) this.fail(`line ${this.lineNumber} ${id.reason}`);
      hash = id.hash;
      customId = id.customId;
    }
    const tokensOf = this.options.bounds.maxTokens === undefined ? undefined : this.options.tokensOf;
    const tokens =
      tokensOf === undefined
        ? 0
        : tokensOf(Buffer.from(source.buffer, source.byteOffset + start, end - start).toString("utf8"));
    const placed = { bytes: end - start + 1, tokens, hash };
    const tooLarge = this.chunker.tooLarge(placed);
    if (tooLarge !== undefined) {
      this.fail(`line ${this.lineNumber} ${tooLarge}; make the request smaller or raise the bound`);
    }
    const { cutBefore, cutAfter } = this.chunker.add(placed);
    if (cutBefore) this.close();
    if (this.writer === undefined) {
      if (customId === undefined) {
        const id = customIdOf(source, start, end);
        if (!id.ok) this.fail(`line ${this.lineNumber} ${id.reason}`);
        customId = id.customId;
      }
      this.writer = new ShardWriter(this.options.cacheDir, customId, this.lineNumber);
    }
    this.writer.writeLine(source, start, end, tokens);
    if (cutAfter) this.close();
  }

  finish(): WrittenShard[] {
    this.close();
    if (this.shards.length === 0) {
      this.fail(`${this.options.label} has no requests; give at least one request line`);
    }
    return this.shards;
  }

  /** Writes out what the shard writer still holds of `source`, before the caller reuses it. */
  release(): void {
    this.writer?.release();
  }

  abandon(): void {
    this.writer?.abandon();
    this.writer = undefined;
  }

  private close(): void {
    if (this.writer === undefined) return;
    this.shards.push(this.writer.finish());
    this.writer = undefined;
  }

  private fail(reason: string): never {
    this.abandon();
    throw new BatchInputError([
      { property: this.options.property, reason: `${this.options.label}: ${reason}` },
    ]);
  }
}

function isBlank(source: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = source[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

/** Splits a JSONL file, reading it through one buffer (grown only for a line longer than it). */
export function splitFile(path: string, options: SplitOptions): WrittenShard[] {
  const splitter = new Splitter(options);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BatchInputError([
      {
        property: options.property,
        reason:
          code === "ENOENT"
            ? `cannot read ${path}: there is no such file; inputFile is relative to the Pulumi project's directory`
            : `cannot read ${path}: ${(error as Error).message}`,
      },
    ]);
  }
  try {
    let buffer = Buffer.allocUnsafe(Math.max(1, options.readBytes ?? READ_BYTES));
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
      }
      const read = readSync(fd, buffer, filled, buffer.length - filled, null);
      const end = filled + read;
      const view = buffer.subarray(0, end);
      let start = 0;
      for (
        let newline = view.indexOf(NEWLINE, start);
        newline !== -1;
        newline = view.indexOf(NEWLINE, start)
      ) {
        splitter.line(view, start, newline);
        start = newline + 1;
      }
      if (read === 0) {
        if (start < end) splitter.line(view, start, end);
        break;
      }
      splitter.release();
      buffer.copy(buffer, 0, start, end);
      filled = end - start;
    }
    return splitter.finish();
  } catch (error) {
    splitter.abandon();
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** Splits inline requests, each serialized as one compact JSON line (as `Batch` uploads them). */
export function splitRequests(requests: readonly unknown[], options: SplitOptions): WrittenShard[] {
  const splitter = new Splitter(options);
  try {
    for (const request of requests) {
      const line = Buffer.from(JSON.stringify(request) ?? "null", "utf8");
      splitter.line(line, 0, line.length);
    }
    return splitter.finish();
  } catch (error) {
    splitter.abandon();
    throw error;
  }
}
