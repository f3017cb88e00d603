/**
 * A file's content over HTTP: one byte range with `Range` (206, or 416 past the end), and the two
 * download faults, `cut_download` (the connection closes after N bytes) and `ignore_range`.
 */
import { request } from "node:http";
import { afterEach, describe, expect, test } from "vitest";
import { startTestEmulator, type TestEmulator, uploadBatchFile } from "./support/harness";

const TEXT = `${'{"custom_id":"a"}\n'.repeat(20)}`;
const SIZE = Buffer.byteLength(TEXT);

let env: TestEmulator | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function withFile(): Promise<{ target: TestEmulator; url: string }> {
  env = await startTestEmulator();
  const file = await uploadBatchFile(env.client, TEXT);
  env.emulator.clearCalls();
  return { target: env, url: `${env.emulator.url}/files/${file.id}/content` };
}

/** One GET over a fresh connection: the status, headers, the bytes received, and how it ended. */
function get(
  target: TestEmulator,
  url: string,
  range?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer; cut: boolean }> {
  const headers: Record<string, string> = { authorization: `Bearer ${target.emulator.apiKey}` };
  if (range !== undefined) headers.range = range;
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const done = (cut: boolean) =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), cut });
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => done(false));
      res.on("error", () => done(true));
      res.on("aborted", () => done(true));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("Range on GET /v1/files/{id}/content", () => {
  test.each([
    ["bytes=10-", 10, SIZE - 1],
    ["bytes=10-19", 10, 19],
    ["bytes=10-100000", 10, SIZE - 1],
    ["bytes=-7", SIZE - 7, SIZE - 1],
    ["bytes=0-", 0, SIZE - 1],
  ])("%s answers 206 with that part and its content-range", async (range, start, end) => {
    const { target, url } = await withFile();
    const answer = await get(target, url, range);
    expect(answer.status).toBe(206);
    expect(answer.headers["content-range"]).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(answer.headers["content-length"]).toBe(String(end - start + 1));
    expect(answer.body.toString()).toBe(TEXT.slice(start, end + 1));
  });

  test.each([[undefined], ["bytes=0-1,5-9"], ["items=0-4"], ["bytes=9-3"]])(
    "%s answers 200 with the whole file",
    async (range) => {
      const { target, url } = await withFile();
      const answer = await get(target, url, range);
      expect(answer.status).toBe(200);
      expect(answer.headers["accept-ranges"]).toBe("bytes");
      expect(answer.headers["content-range"]).toBeUndefined();
      expect(answer.body.toString()).toBe(TEXT);
    },
  );

  test("a range past the end answers 416 with the file's size", async () => {
    const { target, url } = await withFile();
    const answer = await get(target, url, `bytes=${SIZE}-`);
    expect(answer.status).toBe(416);
    expect(answer.headers["content-range"]).toBe(`bytes */${SIZE}`);
    expect(JSON.parse(answer.body.toString())).toEqual({
      error: {
        message: `The range 'bytes=${SIZE}-' is not satisfiable: the file has ${SIZE} bytes.`,
        type: "invalid_request_error",
        param: null,
        code: "range_not_satisfiable",
      },
    });
  });
});

describe("download faults", () => {
  test("cut_download sends the status, the full content-length and N bytes, then closes", async () => {
    const { target, url } = await withFile();
    target.emulator.setFaults([{ kind: "cut_download", count: 1, afterBytes: 25 }]);
    const cut = await get(target, url);
    expect([cut.status, cut.headers["content-length"], cut.cut]).toEqual([200, String(SIZE), true]);
    expect(cut.body.toString()).toBe(TEXT.slice(0, 25));
    const whole = await get(target, url);
    expect([whole.status, whole.cut, whole.body.toString()]).toEqual([200, false, TEXT]);
    // The log gets a call's status once the answer is sent, which may be after the client has it.
    expect(target.emulator.calls().map((call) => call.fault)).toEqual(["cut_download", undefined]);
  });

  test("cut_download on a range cuts the part", async () => {
    const { target, url } = await withFile();
    target.emulator.setFaults([{ kind: "cut_download", afterBytes: 5 }]);
    const cut = await get(target, url, "bytes=30-");
    expect([cut.status, cut.cut, cut.body.toString()]).toEqual([206, true, TEXT.slice(30, 35)]);
  });

  test("cut_download and ignore_range only meet downloads, and keep their count for them", async () => {
    const { target, url } = await withFile();
    target.emulator.setFaults([
      { kind: "cut_download", count: 1, afterBytes: 0 },
      { kind: "ignore_range", count: 1 },
    ]);
    await target.client.files.list();
    const answer = await get(target, url, "bytes=10-");
    expect([answer.status, answer.cut, answer.body.length]).toEqual([200, true, 0]);
    expect(target.emulator.calls().map((call) => call.fault)).toEqual([undefined, "cut_download"]);
    expect((await get(target, url, "bytes=10-")).status).toBe(206);
  });

  test("ignore_range answers the whole file with 200", async () => {
    const { target, url } = await withFile();
    target.emulator.setFaults([{ kind: "ignore_range" }]);
    const answer = await get(target, url, "bytes=10-");
    expect([answer.status, answer.body.toString()]).toEqual([200, TEXT]);
    expect(target.emulator.calls().at(-1)?.fault).toBe("ignore_range");
  });
});
