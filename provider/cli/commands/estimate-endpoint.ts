import { open } from "node:fs/promises";
import { BATCH_ENDPOINTS } from "../../contract";

/** The most of the first line read to find its url: the validator's longest line. */
const MAX_FIRST_LINE_BYTES = 32 * 1024 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;

/** The endpoint the first line names, or why it names none (a problem of the file, exit 1). */
export type FirstLineEndpoint = { endpoint: string } | { problem: string };

/**
 * The endpoint of a file whose requests do not say it on the command line: the url of its first
 * line. Pure. `line` is undefined for an empty file, and `cut` says that the line is longer than
 * what was read. Every problem ends with what to do, `--endpoint` among it.
 */
export function endpointOfFirstLine(line: string | undefined, cut: boolean, file: string): FirstLineEndpoint {
  const or = "or pass --endpoint";
  if (line === undefined) {
    return { problem: `${file}: the file is empty; there are no requests to estimate` };
  }
  if (cut) {
    return {
      problem: `${file}:1: the line is longer than ${MAX_FIRST_LINE_BYTES / (1024 * 1024)} MiB, too long to take the endpoint from; shorten it, ${or}`,
    };
  }
  let url: unknown;
  try {
    url = (JSON.parse(line) as { url?: unknown } | null)?.url;
  } catch {
    return {
      problem: `${file}:1: the line is not valid JSON, so it gives no endpoint; \`openai-batch validate ${file}\` says what is wrong with it; fix it, ${or}`,
    };
  }
  if (typeof url !== "string") {
    return {
      problem: `${file}:1: the line has no url to take the endpoint from; give each line its url, ${or}`,
    };
  }
  if (!(BATCH_ENDPOINTS as readonly string[]).includes(url)) {
    return {
      problem: `${file}:1: url ${JSON.stringify(url)} is not an endpoint the Batch API runs; use one of ${BATCH_ENDPOINTS.join(", ")}, ${or}`,
    };
  }
  return { endpoint: url };
}

/**
 * The first line of a file (without its line break), read in chunks up to its end or
 * `MAX_FIRST_LINE_BYTES`; undefined for an empty file. `cut` when the line goes on past that.
 */
export async function readFirstLine(path: string): Promise<{ line: string | undefined; cut: boolean }> {
  const handle = await open(path, "r");
  try {
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(READ_CHUNK_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, length);
      if (bytesRead === 0) {
        return { line: length === 0 ? undefined : text(chunks), cut: false };
      }
      const newline = chunk.subarray(0, bytesRead).indexOf(0x0a);
      chunks.push(chunk.subarray(0, newline === -1 ? bytesRead : newline));
      length += bytesRead;
      if (newline !== -1) return { line: text(chunks), cut: false };
      if (length >= MAX_FIRST_LINE_BYTES) return { line: text(chunks), cut: true };
    }
  } finally {
    await handle.close();
  }
}

function text(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString("utf8").replace(/\r$/, "");
}
