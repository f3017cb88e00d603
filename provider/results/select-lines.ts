import type { WriteChunk } from "./atomic-file";
import { openInput } from "./input";
import { splitLines } from "./lines";

/**
 * Copies the lines of a JSONL file whose numbers are in `wanted`, byte for byte with their own
 * line break (a last line without one gets `\n`), streamed. Returns how many were copied.
 */
export async function copyLines(
  path: string,
  wanted: ReadonlySet<number>,
  write: WriteChunk,
): Promise<number> {
  let copied = 0;
  for await (const line of splitLines(openInput(path))) {
    if (!wanted.has(line.number)) continue;
    await write(line.bytes);
    await write(line.crlf ? "\r\n" : "\n");
    copied += 1;
  }
  return copied;
}
