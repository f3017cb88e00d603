import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestEmulator, type TestEmulator } from "./support/harness";
import { bearer, rawRequest } from "./support/raw-http";

const LINES = 50_000;

let env: TestEmulator;
beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(() => env.close());

/** A multipart upload of `lines` small moderation requests, generated as it is sent. */
function upload(lines: number): Readable {
  async function* body() {
    yield Buffer.from('--B\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n');
    yield Buffer.from('--B\r\nContent-Disposition: form-data; name="file"; filename="many.jsonl"\r\n\r\n');
    let chunk = "";
    for (let i = 1; i <= lines; i++) {
      chunk += `{"custom_id":"r${i}","method":"POST","url":"/v1/moderations","body":{"model":"omni-moderation-latest","input":"text ${i}"}}\n`;
      if (chunk.length > 64 * 1024) {
        yield Buffer.from(chunk);
        chunk = "";
      }
    }
    yield Buffer.from(`${chunk}\r\n--B--\r\n`);
  }
  return Readable.from(body());
}

describe("scale", () => {
  test("a 50,000-line batch is validated, run and written out in full", async () => {
    const { client, emulator } = env;
    const response = await rawRequest(`${emulator.url}/files`, {
      method: "POST",
      headers: { ...bearer(emulator.apiKey), "content-type": "multipart/form-data; boundary=B" },
      body: upload(LINES),
    });
    expect(response.status).toBe(200);
    const file = response.json() as { id: string };
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/moderations",
      completion_window: "24h",
    });
    await emulator.advance(60_000);
    const done = await client.batches.retrieve(batch.id);
    expect(done.status).toBe("completed");
    expect(done.request_counts).toEqual({ total: LINES, completed: LINES, failed: 0 });

    const content = await client.files.content(done.output_file_id!);
    const lines = createInterface({ input: Readable.fromWeb(content.body as never) });
    // Every request answered once, whatever the order of the lines.
    const seen = new Uint8Array(LINES + 1);
    let count = 0;
    for await (const line of lines) {
      count += 1;
      const parsed = JSON.parse(line) as { custom_id: string; response: { status_code: number } };
      expect(parsed.response.status_code).toBe(200);
      seen[Number(parsed.custom_id.slice(1))] = 1;
    }
    expect(count).toBe(LINES);
    expect(seen.subarray(1).every((flag) => flag === 1)).toBe(true);
  });
});
