/**
 * Azure's bound on the batch files of a resource: 500 without an expiry, 10,000 in all when they
 * carry `expires_after`. Over HTTP for the first; the count itself from a table of records.
 */
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fileBoundError } from "../../provider/emulator/api/file-bound";
import type { FileRecord } from "../../provider/emulator/store/records";
import { failure, startTestEmulator, type TestEmulator } from "./support/harness";

const KEY = "azure-emulator-key-1234";
let env: TestEmulator;
let client: OpenAI;
beforeAll(async () => {
  env = await startTestEmulator({ profile: "azure", apiKey: KEY });
  client = new OpenAI({
    baseURL: env.emulator.url,
    apiKey: KEY,
    maxRetries: 0,
    defaultHeaders: { authorization: null, "api-key": KEY },
  });
});
afterAll(() => env.close());

const upload = async (name: string, expires = false) =>
  client.files.create({
    file: await toFile(Buffer.from('{"custom_id":"a"}\n'), `${name}.jsonl`),
    purpose: "batch",
    ...(expires ? { expires_after: { anchor: "created_at", seconds: 1_209_600 } } : {}),
  });

test("the 501st batch file without an expiry is refused; one with expires_after is taken; deleting one makes room", async () => {
  const first = await upload("first");
  expect(first.expires_at ?? undefined).toBeUndefined();
  for (let start = 1; start < 500; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, 500 - start) }, (_, i) => upload(`f-${start + i}`)));
  }
  const error = await failure(upload("over"));
  expect(error.status).toBe(400);
  expect(error.code).toBe("too_many_files");
  expect(error.message).toContain("It may keep at most 500 batch files without an expiry, and 10000 in all");
  // A multipart Upload is refused when it completes.
  const bytes = Buffer.from('{"custom_id":"u"}\n');
  const started = await client.uploads.create({
    filename: "parts.jsonl",
    purpose: "batch",
    bytes: bytes.length,
    mime_type: "text/jsonl",
  });
  const part = await client.uploads.parts.create(started.id, { data: await toFile(bytes, "part") });
  const refused = await failure(client.uploads.complete(started.id, { part_ids: [part.id] }));
  expect(refused.code).toBe("too_many_files");
  const expiring = await upload("expiring", true);
  expect(expiring.expires_at).toBe(expiring.created_at + 1_209_600);
  await client.files.delete(first.id);
  await expect(upload("after-delete")).resolves.toMatchObject({ purpose: "batch" });
}, 60_000);

const record = (i: number, fields: Partial<FileRecord>): FileRecord => ({
  id: `file-${i}`,
  seq: i,
  bytes: 1,
  createdMs: 0,
  filename: "x.jsonl",
  purpose: "batch",
  ...fields,
});
const BOUND = { withoutExpiry: 500, withExpiry: 10_000 };

test.each([
  ["499 without an expiry, one more without: taken", 499, 0, false, false],
  ["500 without an expiry, one more without: refused", 500, 0, false, true],
  ["500 without an expiry, one more with: taken", 500, 0, true, false],
  ["9,999 in all, one more with: taken", 500, 9_499, true, false],
  ["10,000 in all, one more with: refused", 500, 9_500, true, true],
])("%s", (_name, without, withExpiry, expires, refused) => {
  const files = [
    ...Array.from({ length: without }, (_, i) => record(i, {})),
    ...Array.from({ length: withExpiry }, (_, i) => record(without + i, { expiresMs: 10_000 })),
    // Files of other purposes, and expired ones, do not count.
    record(-1, { purpose: "fine-tune" }),
    record(-2, { expiresMs: 1_000 }),
  ];
  expect(fileBoundError(files, 5_000, expires, BOUND) !== undefined).toBe(refused);
});

test("output files count too", () => {
  const files = Array.from({ length: 500 }, (_, i) =>
    record(i, { purpose: i % 2 === 0 ? "batch" : "batch_output" }),
  );
  expect(fileBoundError(files, 0, false, BOUND)?.code).toBe("too_many_files");
});
