import { closeSync, existsSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ShardHasher } from "./shard-hasher";

const FLUSH_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** One shard as written to the cache: its file is named by the sha256 of its bytes. */
export interface WrittenShard {
  sha256: string;
  /** Absolute path of the shard's JSONL file. */
  file: string;
  fileName: string;
  requests: number;
  bytes: number;
  tokens: number;
  firstCustomId: string;
  /** The 1-based line of the input where the shard begins. */
  firstLine: number;
}

/** A shard written to its partial file, before its hash names it. */
export interface ClosedShard extends Omit<WrittenShard, "sha256" | "file" | "fileName"> {
  /** The shard's number in the hasher. */
  index: number;
  dir: string;
  /** Absolute path of the partial file. */
  partial: string;
}

let partials = 0;

/**
 * Writes one shard's lines to a partial file in the cache folder and passes them to the hasher on
 * the way; `nameShard` renames the file to `<sha256>.jsonl` once the hash is known. A shard whose
 * file is already there (the same content, from an earlier run) keeps that file.
 *
 * Lines that lie one after the other in the caller's buffer, each followed by its newline, are
 * not copied: the writer keeps their span and writes and hashes it in one piece when the span
 * ends (a skipped line, another buffer, `release`, `finish`). Other lines are copied into a fixed
 * buffer. The caller calls `release` before it overwrites its buffer.
 */
export class ShardWriter {
  private readonly partial: string;
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(FLUSH_BYTES);
  private used = 0;
  /** The span of the caller's buffer not written yet: `spanSource[spanStart, spanEnd)`. */
  private spanSource: Uint8Array | undefined;
  private spanStart = 0;
  private spanEnd = 0;
  private requests = 0;
  private bytes = 0;
  private tokens = 0;

  constructor(
    private readonly hasher: ShardHasher,
    private readonly index: number,
    private readonly dir: string,
    private readonly firstCustomId: string,
    private readonly firstLine: number,
  ) {
    mkdirSync(dir, { recursive: true });
    partials += 1;
    this.partial = join(dir, `.partial-${process.pid}-${partials}`);
    this.fd = openSync(this.partial, "w");
  }

  /** Appends one line (without its newline) and the newline. */
  writeLine(source: Uint8Array, start: number, end: number, tokens: number): void {
    const length = end - start;
    this.requests += 1;
    this.bytes += length + 1;
    this.tokens += tokens;
    if (end < source.length && source[end] === NEWLINE) {
      if (this.spanSource === source && this.spanEnd === start) {
        this.spanEnd = end + 1;
        return;
      }
      this.release();
      this.flush();
      this.spanSource = source;
      this.spanStart = start;
      this.spanEnd = end + 1;
      return;
    }
    this.release();
    if (this.used + length + 1 > this.buffer.length) this.flush();
    if (length + 1 > this.buffer.length) {
      this.emit(source.subarray(start, end));
      this.emit(Buffer.of(NEWLINE));
    } else {
      this.buffer.set(source.subarray(start, end), this.used);
      this.buffer[this.used + length] = NEWLINE;
      this.used += length + 1;
    }
  }

  /** Writes the span of the caller's buffer that the writer still holds. */
  release(): void {
    if (this.spanSource === undefined) return;
    this.emit(this.spanSource.subarray(this.spanStart, this.spanEnd));
    this.spanSource = undefined;
  }

  finish(): ClosedShard {
    this.release();
    this.flush();
    closeSync(this.fd);
    this.hasher.end(this.index);
    return {
      index: this.index,
      dir: this.dir,
      partial: this.partial,
      requests: this.requests,
      bytes: this.bytes,
      tokens: this.tokens,
      firstCustomId: this.firstCustomId,
      firstLine: this.firstLine,
    };
  }

  /** Drops the partial file (after an error). */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
    try {
      unlinkSync(this.partial);
    } catch {
      // Already gone.
    }
  }

  private flush(): void {
    if (this.used === 0) return;
    this.emit(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private emit(bytes: Uint8Array): void {
    this.hasher.update(this.index, bytes);
    let offset = 0;
    while (offset < bytes.length) {
      offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    }
  }
}

/** Gives a closed shard its final name, `<sha256>.jsonl`, keeping a file of that name already there. */
export function nameShard(shard: ClosedShard, sha256: string): WrittenShard {
  const fileName = `${sha256}.jsonl`;
  const file = join(shard.dir, fileName);
  if (existsSync(file)) {
    unlinkSync(shard.partial);
  } else {
    renameSync(shard.partial, file);
  }
  return {
    sha256,
    file,
    fileName,
    requests: shard.requests,
    bytes: shard.bytes,
    tokens: shard.tokens,
    firstCustomId: shard.firstCustomId,
    firstLine: shard.firstLine,
  };
}
