import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { makeTempDir, removeTempDir } from "./temp-space";

/** Where a line was put: its byte range in the spool file. */
export interface SpooledLine {
  offset: number;
  length: number;
}

const WINDOW_BYTES = 1 << 20;
/** What a read that misses the window loads: enough for lines in order, little for lines out of it. */
const READ_BYTES = 256 << 10;

/**
 * A temporary file that result lines are appended to as they are downloaded, and read back by
 * position, so that a join in input order holds only a window of 256 KiB, whatever the files' size.
 * Lines that come back in the order they were written are read through the window, sequentially.
 */
export class Spool {
  private size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  private constructor(
    private readonly dir: string,
    private readonly handle: FileHandle,
  ) {}

  /** A spool in a temporary folder of its own (see temp-space.ts); `dispose` removes it. */
  static async create(): Promise<Spool> {
    const dir = await makeTempDir("results");
    try {
      return new Spool(dir, await open(join(dir, "lines"), "w+"));
    } catch (error) {
      await removeTempDir(dir);
      throw error;
    }
  }

  /** Appends a line; written out in blocks of about a window. */
  async append(bytes: Buffer): Promise<SpooledLine> {
    const spooled = { offset: this.size, length: bytes.length };
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.size += bytes.length;
    if (this.pendingBytes >= WINDOW_BYTES) await this.flush();
    return spooled;
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const block = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.write(block, 0, block.length, this.size - block.length);
  }

  /** The text of a line written before (after `flush`). */
  async read(line: SpooledLine): Promise<string> {
    const end = line.offset + line.length;
    if (line.offset < this.windowStart || end > this.windowStart + this.window.length) {
      const size = Math.max(READ_BYTES, line.length);
      const buffer = this.window.length === size ? this.window : Buffer.allocUnsafe(size);
      const { bytesRead } = await this.handle.read(buffer, 0, size, line.offset);
      this.window = bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
      this.windowStart = line.offset;
    }
    const from = line.offset - this.windowStart;
    return this.window.toString("utf8", from, from + line.length);
  }

  async dispose(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await removeTempDir(this.dir);
  }
}
