import { closeSync, fstatSync, openSync, readSync, unlinkSync } from "node:fs";
import { BatchInputError } from "../errors";
import { describeFileSystemError } from "../validation/jsonl/open-input-file";
import type { ShardBounds } from "./bounds";
import { Chunker } from "./chunker";
import { customIdOf, fastCustomIdHash } from "./custom-id";
import {
  hashWorkerScript,
  InlineHasher,
  ShardHashError,
  type ShardHasher,
  WorkerHasher,
} from "./shard-hasher";
import { type ClosedShard, nameShard, ShardWriter, type WrittenShard } from "./shard-writer";

/**
 * Reads (and so writes) go through buffers small enough to stay in the CPU's cache, as GNU split's
 * do: the kernel's copy into the shard's page cache then reads cached bytes. With 4 MiB buffers
 * the bench's 2 GiB split took 2.4 times as long (medians of 7.1 and 3.0 s), most of it in that copy.
 */
const READ_BYTES = 128 << 10;
/** From this size on, a file's shards are hashed in a worker thread while the split writes them. */
export const HASH_WORKER_MIN_BYTES = 16 << 20;
const NEWLINE = 0x0a;

export interface SplitOptions {
  bounds: ShardBounds;
  /** Absolute path of the cache folder the shard files go to. */
  cacheDir: string;
  /** The estimated input tokens of one line; only called when `bounds.maxTokens` is set. */
  tokensOf?: ((line: string) => number) | undefined;
  /** The embedding inputs of one line; only called when `bounds.maxInputs` is set. */
  inputsOf?: ((line: string) => number) | undefined;
  /** The property the input came from, for errors: `inputFile` or `requests`. */
  property: "inputFile" | "requests";
  /** How errors name the input, e.g. the file's path or `requests`. */
  label: string;
  /** The size of the read buffer, in bytes; default 128 KiB (tests use small ones). */
  readBytes?: number | undefined;
  /** Hash in a worker thread: default for files of `HASH_WORKER_MIN_BYTES` or more. */
  hashInWorker?: boolean | undefined;
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
  private readonly shards: ClosedShard[] = [];
  private lineNumber = 0;

  constructor(
    private readonly options: SplitOptions,
    readonly hasher: ShardHasher = new InlineHasher(),
  ) {
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
    const { bounds } = this.options;
    const tokensOf = bounds.maxTokens === undefined ? undefined : this.options.tokensOf;
    const inputsOf = bounds.maxInputs === undefined ? undefined : this.options.inputsOf;
    const text =
      tokensOf === undefined && inputsOf === undefined
        ? ""
        : Buffer.from(source.buffer, source.byteOffset + start, end - start).toString("utf8");
    const tokens = tokensOf === undefined ? 0 : tokensOf(text);
    const inputs = inputsOf === undefined ? 0 : inputsOf(text);
    const placed = { bytes: end - start + 1, tokens, hash, inputs };
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
      this.writer = new ShardWriter(
        this.hasher,
        this.shards.length,
        this.options.cacheDir,
        customId,
        this.lineNumber,
      );
    }
    this.writer.writeLine(source, start, end, tokens);
    if (cutAfter) this.close();
  }

  finish(): WrittenShard[] {
    this.close();
    if (this.shards.length === 0) {
      this.fail(`${this.options.label} has no requests; give at least one request line`);
    }
    const digests = this.hasher.digests();
    this.hasher.close();
    return this.shards.map((shard) => {
      const sha256 = digests.get(shard.index);
      if (sha256 === undefined) throw new ShardHashError(`shard ${shard.index} has no hash`);
      return nameShard(shard, sha256);
    });
  }

  /** Writes out what the shard writer still holds of `source`, before the caller reuses it. */
  release(): void {
    this.writer?.release();
  }

  abandon(): void {
    this.writer?.abandon();
    this.writer = undefined;
    this.hasher.close();
    for (const shard of this.shards.splice(0)) {
      try {
        unlinkSync(shard.partial);
      } catch {
        // Already gone (renamed before the failure, or removed).
      }
    }
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

/**
 * Splits a JSONL file, reading it through two buffers in turn (each grown only for a line longer
 * than it): while the split reads and writes one, the hashing thread may still be reading the
 * other. Buffers are SharedArrayBuffers when a worker hashes, so that it reads them in place.
 */
export function splitFile(path: string, options: SplitOptions): WrittenShard[] {
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
            : `cannot read ${path}: ${describeFileSystemError(error)}`,
      },
    ]);
  }
  let splitter: Splitter | undefined;
  try {
    const script = hashWorkerScript();
    const inWorker =
      script !== undefined && (options.hashInWorker ?? fstatSync(fd).size >= HASH_WORKER_MIN_BYTES);
    splitter = new Splitter(options, inWorker ? new WorkerHasher(script) : new InlineHasher());
    const hasher = splitter.hasher;
    const allocate = (bytes: number): Buffer =>
      inWorker ? Buffer.from(new SharedArrayBuffer(bytes)) : Buffer.allocUnsafe(bytes);
    const size = Math.max(1, options.readBytes ?? READ_BYTES);
    const buffers: Buffer[] = [allocate(size), allocate(size)];
    // The hasher's mark when each buffer was last handed over: settle it before refilling one.
    const marks = [0, 0];
    let current = 0;
    let filled = 0;
    for (;;) {
      let buffer = buffers[current] as Buffer;
      if (filled === buffer.length) {
        const larger = allocate(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
        buffers[current] = larger;
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
      // The rest of a line goes to the front of the other buffer, once nothing reads that one.
      marks[current] = hasher.mark();
      const next = 1 - current;
      hasher.settle(marks[next] as number);
      let target = buffers[next] as Buffer;
      if (target.length < end - start) {
        target = allocate(buffer.length);
        buffers[next] = target;
      }
      buffer.copy(target, 0, start, end);
      filled = end - start;
      current = next;
    }
    return splitter.finish();
  } catch (error) {
    splitter?.abandon();
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
