import { describe, expect, test } from "vitest";
import { isBatchApiError } from "../../provider/errors";
import { realDeps } from "../../provider/runtime/deps";
import {
  type ContentResponse,
  downloadLimitOf,
  MAX_RESUMES,
  resumableContent,
} from "../../provider/runtime/resumable-download";

const FILE = Buffer.from("0123456789abcdefghij");

/** An answer that sends `bytes` and then, when `cutAfter` is given, fails as a cut connection. */
function answer(
  status: number,
  headers: Record<string, string>,
  bytes: Buffer,
  cutAfter?: number,
): ContentResponse {
  return {
    status,
    headers: { get: (name) => headers[name] ?? null },
    body: (async function* () {
      const sent = cutAfter === undefined ? bytes : bytes.subarray(0, cutAfter);
      if (sent.length > 0) yield new Uint8Array(sent);
      if (cutAfter !== undefined) throw new TypeError("terminated");
    })(),
  };
}

const whole = (cutAfter?: number) => answer(200, { "content-length": String(FILE.length) }, FILE, cutAfter);
const part = (start: number, cutAfter?: number, total = FILE.length) =>
  answer(206, { "content-range": `bytes ${start}-${total - 1}/${total}` }, FILE.subarray(start), cutAfter);

async function read(
  first: ContentResponse,
  next: (from: number) => ContentResponse | undefined,
  maxRetries = 2,
  expectedBytes = FILE.length,
  idleTimeoutMs?: number,
) {
  const asked: number[] = [];
  const chunks: Buffer[] = [];
  const deps = realDeps({ sleep: async () => undefined, random: () => 0 });
  try {
    for await (const chunk of resumableContent(first, {
      fileId: "file-x",
      expectedBytes,
      maxRetries,
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
      reopen: async (from) => {
        asked.push(from);
        return next(from);
      },
      deps,
    })) {
      chunks.push(Buffer.from(chunk));
    }
    return { text: Buffer.concat(chunks).toString(), asked, error: undefined };
  } catch (error) {
    return { text: Buffer.concat(chunks).toString(), asked, error: error as Error };
  }
}

describe("resumableContent", () => {
  test("resumes with the part from the byte where it stopped (206)", async () => {
    const result = await read(whole(7), (from) => part(from, from === 7 ? 5 : undefined));
    expect(result).toEqual({ text: FILE.toString(), asked: [7, 12], error: undefined });
  });

  test("skips the bytes already read when the whole file comes again (200)", async () => {
    const result = await read(whole(7), () => whole());
    expect(result).toEqual({ text: FILE.toString(), asked: [7], error: undefined });
  });

  test("an answer that ends early without an error counts as a cut", async () => {
    const short = answer(200, { "content-length": String(FILE.length) }, FILE.subarray(0, 4));
    const result = await read(short, (from) => part(from));
    expect(result).toEqual({ text: FILE.toString(), asked: [4], error: undefined });
  });

  test.each([
    [
      "a part that starts elsewhere",
      () => part(3),
      "the download was cut off after 7 bytes and could not be resumed: asked for the bytes from 7, the server sent a part from 3",
    ],
    [
      "a part of a file of another size",
      (from: number) => part(from, undefined, 30),
      "the download was cut off after 7 bytes and could not be resumed: it now has 30 bytes, not 20",
    ],
    [
      "a whole file of another size",
      () => answer(200, { "content-length": "30" }, Buffer.alloc(30)),
      "the download was cut off after 7 bytes and could not be resumed: it now has 30 bytes, not 20",
    ],
    [
      "a file that is gone (404)",
      () => undefined,
      "the file disappeared after 7 bytes had been received: it has expired or been deleted",
    ],
  ])("%s: an error naming the file, after exactly the bytes received", async (_case, next, message) => {
    const result = await read(whole(7), next);
    expect(result.text).toBe(FILE.toString().slice(0, 7));
    expect(isBatchApiError(result.error)).toBe(true);
    expect(result.error?.message).toContain("download file file-x");
    expect(result.error?.message).toContain(message);
  });

  test("cuts in a row that bring nothing give up after maxRetries resumes", async () => {
    const result = await read(whole(7), () => whole(7), 3);
    expect(result.asked).toEqual([7, 7, 7, 7]);
    expect(result.error?.message).toContain(
      "the download was cut off after 7 of 20 bytes (terminated) and 4 resumes in a row brought no new byte",
    );
  });

  test(`a download that keeps moving is still resumed at most ${MAX_RESUMES} times`, async () => {
    const big = Buffer.alloc(1000, 0x61);
    const size = { "content-length": String(big.length) };
    const first = answer(200, size, big, 1);
    const result = await read(
      first,
      (from) => answer(206, { "content-range": `bytes ${from}-999/1000` }, big.subarray(from), 1),
      2,
      big.length,
    );
    expect(result.asked).toHaveLength(MAX_RESUMES);
    expect(result.text).toHaveLength(MAX_RESUMES + 1);
    expect(result.error?.message).toContain(`cut off after ${MAX_RESUMES + 1} of 1000 bytes`);
    expect(result.error?.message).toContain(`was resumed ${MAX_RESUMES} times`);
  });
});

describe("a download is bounded by the file's size", () => {
  test.each([
    [0, 65_536],
    [20, 65_556],
    [10_000_000, 10_100_000],
    [200 * 1024 * 1024, 200 * 1024 * 1024 + 2_097_152],
  ])("a file of %i bytes is read up to %i", (bytes, limit) => {
    expect(downloadLimitOf(bytes)).toBe(limit);
  });

  /** An answer far longer than the file (it stops at 4 MiB, so that a reader without a bound ends too), counting what it sent. */
  function endless(headers: Record<string, string> = {}) {
    const sent = { bytes: 0 };
    const chunk = Buffer.alloc(16 << 10, 0x61);
    const response: ContentResponse = {
      status: 200,
      headers: { get: (name) => headers[name] ?? null },
      body: (async function* () {
        while (sent.bytes < 4 << 20) {
          sent.bytes += chunk.length;
          yield new Uint8Array(chunk);
        }
      })(),
    };
    return { response, sent };
  }

  test("a body that runs past the file's bytes is stopped at the limit, naming the file and its size", async () => {
    const { response, sent } = endless();
    const result = await read(response, () => undefined, 2, 1_000);
    expect(result.text.length).toBeLessThanOrEqual(downloadLimitOf(1_000));
    expect(sent.bytes).toBeLessThanOrEqual(downloadLimitOf(1_000) + (16 << 10));
    expect(result.asked).toEqual([]);
    expect(isBatchApiError(result.error)).toBe(true);
    expect(result.error?.message).toContain("download file file-x");
    expect(result.error?.message).toContain(
      `the file's metadata gives its size as 1000 bytes, but the answer sent more than ${downloadLimitOf(1_000)} bytes and was stopped there`,
    );
  });

  test("an answer that announces more than the limit is refused before a byte is read", async () => {
    const { response, sent } = endless({ "content-length": String(10 << 20) });
    const result = await read(response, () => undefined, 2, 1_000);
    expect(sent.bytes).toBe(0);
    expect(result.text).toBe("");
    expect(result.error?.message).toContain(`but the answer announces ${10 << 20} bytes`);
  });

  test("a resumed answer counts the bytes of the whole download", async () => {
    // Each answer sends 40,000 new bytes and is cut; the sum passes the limit on the third.
    const big = Buffer.alloc(200_000, 0x62);
    const first = answer(200, {}, big, 40_000);
    const result = await read(first, (from) => answer(200, {}, big, from + 40_000), 5, 1_000);
    expect(result.asked).toEqual([40_000]);
    expect(result.text.length).toBe(40_000);
    expect(result.error?.message).toContain("sent more than 66536 bytes and was stopped there");
  });
});

describe("a body that stops sending", () => {
  /** An answer that sends `bytes[0..sendFirst]`, then nothing until it is cancelled. */
  function stalling(sendFirst: number) {
    const state = { cancels: 0 };
    let stop: (error: Error) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => {
      stop = reject;
    });
    const response: ContentResponse = {
      status: 200,
      headers: { get: (name) => (name === "content-length" ? String(FILE.length) : null) },
      body: (async function* () {
        if (sendFirst > 0) yield new Uint8Array(FILE.subarray(0, sendFirst));
        await stopped;
      })(),
      cancel: () => {
        state.cancels += 1;
        stop(new TypeError("aborted"));
      },
    };
    return { response, state };
  }

  test("is cancelled after the idle time-out and resumed from the byte where it stopped", async () => {
    const { response, state } = stalling(7);
    const result = await read(response, (from) => part(from), 2, FILE.length, 20);
    expect(result).toEqual({ text: FILE.toString(), asked: [7], error: undefined });
    expect(state.cancels).toBe(1);
  });

  test("one that stalls every time gives up after maxRetries, saying why", async () => {
    const later = [stalling(0), stalling(0)];
    const result = await read(stalling(7).response, () => later.shift()?.response, 1, FILE.length, 20);
    expect(result.asked).toEqual([7, 7]);
    expect(result.error?.message).toContain(
      "the download was cut off after 7 of 20 bytes (no byte came for 0.02 s (openai:requestTimeoutSeconds)) and 2 resumes in a row brought no new byte",
    );
  });
});
