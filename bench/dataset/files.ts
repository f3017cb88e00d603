import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { MIB } from "../lib/stats";
import { fillerPool, requestLine } from "./request-line";

/** A generated input: `lines` request lines of `lineBytes` bytes each. */
export interface JsonlSpec {
  lines: number;
  lineBytes: number;
}

/** `lines` lines of ~4 KiB that add up to at most `mib` MiB: 200 MiB is 50,000 lines of 4,194 bytes. */
export function specForMiB(mib: number, lines: number): JsonlSpec {
  return { lines, lineBytes: Math.floor((mib * MIB) / lines) };
}

export function sizeOf(spec: JsonlSpec): number {
  return spec.lines * spec.lineBytes;
}

/**
 * The path of a generated chat-completions JSONL in `dir`, written (atomically) unless a file of
 * the right size is already there. The content is deterministic, so a file of the right size
 * under that name is the right file.
 */
export function ensureJsonl(dir: string, spec: JsonlSpec): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `chat-${spec.lines}x${spec.lineBytes}.jsonl`);
  if (existsSync(path) && statSync(path).size === sizeOf(spec)) return path;
  const temporary = `${path}.${process.pid}.partial`;
  const pool = fillerPool();
  const fd = openSync(temporary, "w");
  try {
    const batch: string[] = [];
    for (let index = 0; index < spec.lines; index += 1) {
      batch.push(requestLine(index, spec.lineBytes, pool));
      if (batch.length === 1024 || index === spec.lines - 1) {
        writeSync(fd, batch.join(""));
        batch.length = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return path;
}

/** A sparse file of `bytes` zero bytes: as big as asked on `stat`, yet it costs no disk and no time. */
export function ensureSparse(dir: string, bytes: number): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `sparse-${bytes}.bin.jsonl`);
  if (existsSync(path) && statSync(path).size === bytes) return path;
  const fd = openSync(path, "w");
  try {
    // Writing one byte at the end leaves a hole before it.
    writeSync(fd, Buffer.from([0x0a]), 0, 1, bytes - 1);
  } finally {
    closeSync(fd);
  }
  return path;
}

export function removeGenerated(path: string): void {
  rmSync(path, { force: true });
}
