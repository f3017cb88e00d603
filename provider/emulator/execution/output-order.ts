import { readSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import type { OutputOrder } from "../config";
import { EmulatorStateError } from "../errors/state-error";
import { seededRandom } from "../faults/prng";
import { openSink } from "../store/file-sink";

/** Bytes read at a time while the line starts of a file are indexed, and written at a time. */
const SCAN_BYTES = 1 << 20;
const BLOCK_BYTES = 1 << 20;

/**
 * A seeded permutation of `count` positions in which none keeps its place (when there are two or
 * more): Sattolo's algorithm, which draws one cycle through every position. `order[i]` is the
 * position whose line comes i-th.
 */
export function cyclicOrder(count: number, random: () => number): Uint32Array {
  const order = new Uint32Array(count);
  for (let index = 0; index < count; index += 1) order[index] = index;
  for (let index = count - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * index);
    const kept = order[index] as number;
    order[index] = order[other] as number;
    order[other] = kept;
  }
  return order;
}

/** The seed of one file's order: the output and error files of a batch are shuffled apart. */
export function fileSeed(seed: number, kind: "output" | "error"): number {
  return (seed ^ (kind === "error" ? 0x5bd1e995 : 0)) >>> 0;
}

/**
 * Rewrites the first `bytes` bytes of a file of whole lines in the order `order` gives: with
 * `shuffled`, a seeded order in which no line keeps its input place; with `input`, nothing is
 * done. The lines are copied through `temp` (renamed over the file at the end); only their start
 * offsets and one block of lines are held in memory.
 */
export async function reorderLines(
  path: string,
  bytes: number,
  order: OutputOrder,
  kind: "output" | "error",
  temp: string,
  durable: boolean,
): Promise<void> {
  if (order.kind === "input") return;
  const handle = await open(path, "r");
  try {
    const starts = await lineStarts(handle, bytes);
    const lines = starts.length - 1;
    // A last line without its newline would run into the next one: such a file keeps its order.
    if (lines < 2 || !(await endsWithNewline(handle, bytes))) return;
    const permutation = cyclicOrder(lines, seededRandom(fileSeed(order.seed, kind)));
    const sink = openSink(temp);
    try {
      // Lines are gathered into blocks, read without waiting (each read is small), so that the
      // file is written a block at a time rather than a line at a time.
      let block = Buffer.allocUnsafe(BLOCK_BYTES);
      let used = 0;
      for (const line of permutation) {
        const from = starts[line] as number;
        const length = (starts[line + 1] as number) - from;
        if (used > 0 && used + length > block.length) {
          await sink.write(block.subarray(0, used));
          block = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, length));
          used = 0;
        }
        if (length > block.length) block = Buffer.allocUnsafe(length);
        readExactly(handle.fd, block, used, length, from, path);
        used += length;
      }
      if (used > 0) await sink.write(block.subarray(0, used));
      await sink.finish(durable);
    } catch (error) {
      await sink.abort();
      throw error;
    }
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/** The offset where each line starts, and `bytes` at the end. */
async function lineStarts(handle: Awaited<ReturnType<typeof open>>, bytes: number): Promise<number[]> {
  const starts = [0];
  const chunk = Buffer.alloc(SCAN_BYTES);
  for (let offset = 0; offset < bytes; ) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(SCAN_BYTES, bytes - offset), offset);
    if (bytesRead === 0) break;
    for (let at = chunk.indexOf(0x0a, 0); at !== -1 && at < bytesRead; at = chunk.indexOf(0x0a, at + 1)) {
      if (offset + at + 1 < bytes) starts.push(offset + at + 1);
    }
    offset += bytesRead;
  }
  starts.push(bytes);
  return starts;
}

async function endsWithNewline(handle: Awaited<ReturnType<typeof open>>, bytes: number): Promise<boolean> {
  const last = Buffer.alloc(1);
  const { bytesRead } = await handle.read(last, 0, 1, bytes - 1);
  return bytesRead === 1 && last[0] === 0x0a;
}

/** Reads `length` bytes at `position`; a file shorter than the state says is a damaged one. */
function readExactly(
  fd: number,
  into: Buffer,
  offset: number,
  length: number,
  position: number,
  path: string,
) {
  for (let done = 0; done < length; ) {
    const read = readSync(fd, into, offset + done, length - done, position + done);
    if (read === 0) {
      throw new EmulatorStateError(
        path,
        `The batch output ${path} ends at byte ${position + done}, before the ${position + length} bytes the state records; it was cut short outside the emulator.`,
      );
    }
    done += read;
  }
}
